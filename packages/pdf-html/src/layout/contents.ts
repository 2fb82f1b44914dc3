/**
 * How contents pages print their entries: a title, a dot leader and the page
 * number it leads to, arabic or roman ("2.1 Red-tailed Hawk . . . . 7").
 */
const LEADER = String.raw`(?:(?:\.\s?){3,}|…)`;
const PAGE_NUMBER = String.raw`(?:\d{1,4}|[ivxlc]{1,7})`;
/** Text ending in a dot leader (its page number set apart at the right margin). */
export const LEADER_END = new RegExp(`${LEADER}$`);
/** A page number alone. */
export const PAGE_REF = new RegExp(`^${PAGE_NUMBER}$`, 'i');
/** A contents entry: a dot leader and the page number it leads to ("2.1 Red-tailed Hawk . . . . 7"). */
export const CONTENTS_ENTRY = new RegExp(`${LEADER}\\s*${PAGE_NUMBER}$`, 'i');
/** Text ending in a page number ("2 Multi species population dynamics 30"). */
export const ENDS_IN_PAGE_REF = new RegExp(`\\s${PAGE_NUMBER}$`, 'i');
/** A page with this many contents entries at least is a contents page. */
export const MIN_CONTENTS_ENTRIES = 3;
/** A running head that names the page a contents page ("CONTENTS", "Table of Contents"). */
export const CONTENTS_HEAD = /^(?:table of )?contents$/i;
