// Output arrays of the CPU backend. A shape past what the JavaScript engine can allocate (V8: 2^32 elements)
// is refused like the GPU's maxBufferSize, with a RangeError that gives the tensor's size.

type ArrayType<A> = { new (n: number): A; readonly BYTES_PER_ELEMENT: number };

/** A zeroed typed array of n elements, or a RangeError naming the size when the engine refuses it. */
export function newArray<A>(Type: ArrayType<A>, n: number): A {
  try {
    return new Type(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`a tensor of ${n} elements (${n * Type.BYTES_PER_ELEMENT} bytes) is more than this JavaScript engine allocates for the CPU backend (${e.message})`, { cause: e });
  }
}
