/** The pieces the preview's sections share to list changes: stacks named up to a limit, and capped lists. */

/** How a renderer marks code: backticks in Markdown, nothing in text. */
export type Code = (text: string) => string;

/** How many stacks a line names before it says how many more. */
const STACKS_SHOWN = 6;

/** The stacks a change happens in: `trade-hz1`, `trade-sz1` and 4 more. */
export function stacksText(targets: readonly string[], code: Code): string {
  const shown = targets.slice(0, STACKS_SHOWN).map(code).join(', ');
  return targets.length > STACKS_SHOWN ? `${shown} and ${targets.length - STACKS_SHOWN} more` : shown;
}

/** A bold title with its count, then at most `cap` lines and how many more; nothing when there are no items. */
export function cappedList<T>(title: string, items: readonly T[], cap: number, line: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const lines = [`**${title} (${items.length})**`, ''];
  for (const item of items.slice(0, cap)) lines.push(line(item));
  if (items.length > cap) lines.push(`- … and ${items.length - cap} more`);
  lines.push('');
  return lines;
}
