/* Exact numbers for the tablet, as the server keeps them (scoreboard/rubric/numbers.py).

   Words: a *fraction* is {n, d}, two BigInts in lowest terms with d > 0, so a mean of levels is
   7/9 and never 0.777…, and no numerator outgrows a float's 53 bits. `parse` reads a decimal
   ("8.5", "-2", ",5" read as ".5") or a stored "p/q" text; `str` writes the canonical text the
   server writes (a terminating decimal, else "p/q"); `show` rounds half up to a rubric's decimals
   for people, as `round_half_up` does, without trailing zeros. Pure: no DOM, Node imports it. */

const gcd = (a, b) => {
  a = a < 0n ? -a : a; b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a || 1n;
};

export function frac(n, d = 1n) {
  n = BigInt(n); d = BigInt(d);
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}

export const ZERO = frac(0), ONE = frac(1), THREE = frac(3);

/* A decimal or "p/q" text (or a number) as a fraction; null when it is neither. */
export function parse(s) {
  if (s == null) return null;
  s = String(s).trim();
  if (s.length > 200) return null;
  if (s.includes("/")) {
    const m = /^([-+]?\d+)\/(\d+)$/.exec(s);
    return m && BigInt(m[2]) ? frac(BigInt(m[1]), BigInt(m[2])) : null;
  }
  const m = /^([-+]?)(\d*)(?:[.,](\d*))?$/.exec(s);
  if (!m || (m[2] === "" && !m[3])) return null;
  const dec = m[3] || "";
  const n = BigInt((m[2] || "0") + dec);
  return frac(m[1] === "-" ? -n : n, 10n ** BigInt(dec.length));
}

export const add = (a, b) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a, b) => frac(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a, b) => frac(a.n * b.n, a.d * b.d);
export const div = (a, b) => frac(a.n * b.d, a.d * b.n);
export const cmp = (a, b) => { const x = a.n * b.d, y = b.n * a.d; return x < y ? -1 : x > y ? 1 : 0; };
export const max = (a, b) => (cmp(a, b) >= 0 ? a : b);
export const min = (a, b) => (cmp(a, b) <= 0 ? a : b);
export const isWhole = (f) => f.d === 1n;

/* The canonical text: "8.5", "-0.25", "26/3". */
export function str(f) {
  let d = f.d, k = 0;
  while (d % 2n === 0n || d % 5n === 0n) { d /= d % 2n === 0n ? 2n : 5n; k++; }
  if (d !== 1n) return `${f.n}/${f.d}`;
  return decimal((f.n < 0n ? -f.n : f.n) * 10n ** BigInt(k) / f.d, k, f.n < 0n);
}

/* Rounded half up (away from zero on a tie) to `decimals` places, trailing zeros dropped: 26/3 → "8.67". */
export function show(f, decimals = 2) {
  const scale = 10n ** BigInt(decimals);
  const abs = f.n < 0n ? -f.n : f.n;
  const scaled = (2n * abs * scale + f.d) / (2n * f.d); // floor(|f| × scale + 1/2)
  return decimal(scaled, decimals, f.n < 0n && scaled > 0n);
}

/* `digits` / 10^places as text without trailing zeros. */
function decimal(digits, places, negative) {
  let s = String(digits).padStart(places + 1, "0");
  if (places) s = `${s.slice(0, -places)}.${s.slice(-places)}`.replace(/\.?0+$/, "");
  return (negative ? "-" : "") + s;
}
