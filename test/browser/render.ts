/**
 * How the browser test's pages show a result: a heading and a definition
 * list whose values carry `data-field`, then `data-state` on the body, which
 * the test waits for.
 */
const row = (name: string, value: string) => {
  const dt = document.createElement("dt")
  dt.textContent = name
  const dd = document.createElement("dd")
  dd.dataset.field = name
  dd.textContent = value
  return [dt, dd]
}

export const render = (
  title: string,
  rows: ReadonlyArray<readonly [string, string]>,
  state: "done" | "failed"
): void => {
  const heading = document.createElement("h1")
  heading.textContent = title
  const list = document.createElement("dl")
  list.append(...rows.flatMap(([name, value]) => row(name, value)))
  document.getElementById("app")?.replaceChildren(heading, list)
  document.body.dataset.state = state
}
