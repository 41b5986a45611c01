/**
 * Sums numbers as the decimals they are written as, with BigInt, apart from
 * the SDK's `Usage`: what the tests check the reports against.
 */

const parse = (value: number): { readonly digits: bigint; readonly scale: number } => {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value))
  if (match === null) throw new Error(`not a finite number: ${value}`)
  const [, sign, whole, fraction = "", exponent = "0"] = match
  const scale = fraction.length - Number(exponent)
  const digits = BigInt(`${sign}${whole}${fraction}`)
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 }
}

/** The exact sum, in plain notation without trailing zeros (`"0.20455459"`, `"0"`). */
export const sumDecimals = (values: ReadonlyArray<number>): string => {
  const parsed = values.map(parse)
  const scale = Math.max(0, ...parsed.map((p) => p.scale))
  const total = parsed.reduce((sum, p) => sum + p.digits * 10n ** BigInt(scale - p.scale), 0n)
  const negative = total < 0n
  const text = (negative ? -total : total).toString().padStart(scale + 1, "0")
  const whole = text.slice(0, text.length - scale)
  const fraction = text.slice(text.length - scale).replace(/0+$/, "")
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`
}
