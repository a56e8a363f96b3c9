// Number inputs read within their own min and max: a value typed past them (a seed above 2^53, a logit that
// f32 rounds to infinity, a billion steps) is clamped and shown clamped, so the page never passes the
// package an argument it refuses or a run that does not end.
export function readNumber(input: HTMLInputElement, fallback: number, integer: boolean): number {
  const typed = input.value.trim() === '' ? NaN : Number(input.value); // '' when the text is not a number
  let x = Number.isFinite(typed) ? typed : fallback;
  if (integer) x = Math.round(x);
  x = Math.min(Number(input.max), Math.max(Number(input.min), x));
  input.value = String(x);
  return x;
}
