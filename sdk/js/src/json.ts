/**
 * A strict JSON reader that keeps what `JSON.parse` throws away and serde does not: how a
 * number was written (`1` is an integer, `1.0`, `1e0` and `-0` are floats, which serde will
 * not read into an integer field) and every key of an object in order (serde refuses a
 * struct field given twice, where `JSON.parse` keeps the last). Receipts are read through
 * it so that they parse exactly as `lineage_core::output::Receipt::from_json` parses them.
 * The grammar is RFC 8259's, as serde_json's: strings are decoded by `JSON.parse`.
 */

/** A JSON number as it was written. */
export class JsonNumber {
  constructor(readonly lexeme: string) {}

  /** The value when written as an integer (no fraction, no exponent, not `-0`), else `undefined`. */
  integer(): bigint | undefined {
    return /^(0|-?[1-9][0-9]*)$/.test(this.lexeme) ? BigInt(this.lexeme) : undefined
  }
}

/** A JSON object's members in order, duplicates kept. */
export class JsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, JsonValue]>) {}

  /** Every value given for `key`, in order. */
  all(key: string): JsonValue[] {
    return this.entries.filter(([k]) => k === key).map(([, v]) => v)
  }
}

/** A parsed JSON value. */
export type JsonValue = null | boolean | string | JsonNumber | JsonObject | JsonValue[]

/** serde_json's default nesting limit. */
const MAX_DEPTH = 128

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
const STRING = /"(?:[^"\\\u0000-\u001f]|\\.)*"/y

/** Parses `text` as one JSON value, surrounded by whitespace only. Throws `SyntaxError`. */
export function parseJson(text: string): JsonValue {
  let at = 0
  let depth = 0
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${at}`)
  }
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++
  }
  const string = (): string => {
    STRING.lastIndex = at
    const m = STRING.exec(text)
    if (!m) fail('invalid string')
    at += m![0].length
    return JSON.parse(m![0]) as string
  }
  const value = (): JsonValue => {
    space()
    const c = text[at]
    if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) fail('recursion limit exceeded')
      at++
      space()
      const close = c === '{' ? '}' : ']'
      const items: JsonValue[] = []
      const entries: Array<[string, JsonValue]> = []
      if (text[at] === close) at++
      else
        for (;;) {
          if (c === '{') {
            space()
            if (text[at] !== '"') fail('expected a key')
            const key = string()
            space()
            if (text[at++] !== ':') fail('expected a colon')
            entries.push([key, value()])
          } else items.push(value())
          space()
          const next = text[at++]
          if (next === close) break
          if (next !== ',') fail(`expected , or ${close}`)
        }
      depth--
      return c === '{' ? new JsonObject(entries) : items
    }
    if (c === '"') return string()
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length
        return v
      }
    }
    NUMBER.lastIndex = at
    const m = NUMBER.exec(text)
    if (!m) fail('expected a value')
    at += m![0].length
    return new JsonNumber(m![0])
  }
  const v = value()
  space()
  if (at !== text.length) fail('trailing characters')
  return v
}
