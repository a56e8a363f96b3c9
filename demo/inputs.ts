// Number inputs read within their own min and max: a value typed past them (a seed above 2^53, a logit that
// f32 rounds to infinity, a billion steps) is clamped and shown clamped, so the page never passes the
// package an argument it refuses or a run that does not end.
export function readNumber(input: HTMLInputElement, fallback: number, integer: boolean): number {
  const typed = input.value.trim() === '' ? NaN : Number(input.value); // '' when the text is not a number
  let x = Number.isFinite(typed) ? typed : fallback;
  if (integer) x = Math.round(x);
  const bound = (attr: string, none: number) => (attr === '' ? none : Number(attr)); // an input without min or max
  x = Math.min(bound(input.max, Infinity), Math.max(bound(input.min, -Infinity), x));
  input.value = String(x);
  return x;
}
