import { describe, expect, it } from "vitest"
import * as Duration from "../src/Duration.js"

describe("Duration", () => {
  it("reads a bare number as seconds, as the modelgates command does", () => {
    expect(Duration.toMillis(2)).toBe(2000)
    expect(Duration.toMillis("2")).toBe(2000)
    expect(Duration.toMillis("0.5")).toBe(500)
  })

  it("reads a number with its unit", () => {
    expect(Duration.toMillis("500ms")).toBe(500)
    expect(Duration.toMillis("2s")).toBe(2000)
    expect(Duration.toMillis("1.5m")).toBe(90_000)
    expect(Duration.toMillis("1h")).toBe(3_600_000)
    expect(Duration.toMillis("3 seconds")).toBe(3000)
    expect(Duration.toMillis(" 1 minute ")).toBe(60_000)
  })

  it("refuses what it cannot read", () => {
    for (const input of ["soon", "", "-1", "2 weeks", "constructor", "1e3", Number.NaN, -1, Infinity]) {
      expect(Duration.toMillis(input), String(input)).toBeUndefined()
    }
  })

  it("formats milliseconds in words", () => {
    expect([500, 2000, 90_000, 3_600_500].map(Duration.format)).toEqual(["500ms", "2s", "1m 30s", "1h 500ms"])
  })
})
