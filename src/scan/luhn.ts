/**
 * The Luhn (mod 10) checksum used by payment card numbers.
 *
 * @module
 */

/**
 * True when `digits` (ASCII digits only, at least 2 of them) passes the Luhn check.
 * Any non-digit character makes it false.
 */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      const x = d * 2;
      sum += x > 9 ? x - 9 : x;
    } else {
      sum += d;
    }
    double = !double;
  }
  return sum % 10 === 0;
}
