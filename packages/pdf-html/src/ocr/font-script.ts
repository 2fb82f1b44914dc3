/**
 * The script a page was set in, told by the names of its fonts. A garbled
 * text layer (glyphs without a Unicode map) says nothing by its characters,
 * but a page set in SimSun and KaiTi is Chinese whatever its bytes decode to:
 * OCR in English would read it as noise. Only families made for one CJK
 * script are listed; a Latin face says nothing (any language uses it).
 * The patterns run on the family name lower-cased with spaces, hyphens and
 * underscores removed ("Microsoft YaHei" -> "microsoftyahei").
 */
const FAMILIES: ReadonlyArray<{ language: string; name: string; pattern: RegExp }> = [
  {
    language: 'chi_sim',
    name: 'Simplified Chinese',
    pattern: /^(?:n?simsun|simhei|simkai|simfang|simli|simyou|kaiti|fangsong|st(?:song|heiti|kaiti|fangsong|xihei|zhongsong|xingkai|xinwei|caiyun|hupo|liti)|microsoftyahei|dengxian|fz[a-z]+|adobe(?:song|heiti|kaiti|fangsong)std|(?:noto(?:sans|serif)cjk|sourcehan(?:sans|serif))(?:sc|cn)|hiraginosansgb|pingfangsc|songti(?:sc)?|heitisc|wenquanyi|wqy)/,
  },
  {
    language: 'chi_tra',
    name: 'Traditional Chinese',
    pattern: /^(?:p?mingliu|dfkai|microsoftjhenghei|adobemingstd|(?:noto(?:sans|serif)cjk|sourcehan(?:sans|serif))(?:tc|hk)|pingfang(?:tc|hk)|heititc|songtitc|biaukai)/,
  },
  {
    language: 'jpn',
    name: 'Japanese',
    pattern: /^(?:msp?(?:mincho|gothic)|msuigothic|meiryo|yu(?:gothic|mincho)|hiragino(?:kaku|mincho|maru|sans(?!gb))|koz(?:min|go)|ipa(?:ex|p)?(?:mincho|gothic)|(?:noto(?:sans|serif)cjk|sourcehan(?:sans|serif))jp|takao|ryumin|midashi|gothicbbb|futomin)/,
  },
  {
    language: 'kor',
    name: 'Korean',
    pattern: /^(?:batang|gulim|dotum|gungsuh|malgungothic|nanum[a-z]*|adobemyungjostd|(?:noto(?:sans|serif)cjk|sourcehan(?:sans|serif))kr|applegothic|applemyungjo|hy[a-z]*(?:gothic|myeongjo|gulim)|unbatang|undotum)/,
  },
];

/** Below this share of the page's characters, a CJK face is a few symbols borrowed from it, not the page's script. */
const MIN_SHARE = 0.25;

export interface FontScript {
  /** The tesseract language that reads the script ("chi_sim"). */
  language: string;
  /** The script in words, for messages ("Simplified Chinese"). */
  name: string;
  /** The family that set most of it ("SimSun"). */
  font: string;
}

/** The CJK script most of a page's characters are set in, from its fonts' family names; none for Latin faces. */
export function fontScript(fonts: Record<string, number>): FontScript | undefined {
  const total = Object.values(fonts).reduce((a, b) => a + b, 0);
  if (!total) return undefined;
  const byLanguage = new Map<string, { chars: number; font: string; fontChars: number }>();
  for (const [family, chars] of Object.entries(fonts)) {
    const key = family.toLowerCase().replace(/[\s_-]+/g, '');
    const hit = FAMILIES.find((f) => f.pattern.test(key));
    if (!hit) continue;
    const entry = byLanguage.get(hit.language) ?? { chars: 0, font: family, fontChars: 0 };
    entry.chars += chars;
    if (chars > entry.fontChars) Object.assign(entry, { font: family, fontChars: chars });
    byLanguage.set(hit.language, entry);
  }
  const best = [...byLanguage.entries()].sort((a, b) => b[1].chars - a[1].chars)[0];
  if (!best || best[1].chars < MIN_SHARE * total) return undefined;
  return { language: best[0], name: FAMILIES.find((f) => f.language === best[0])!.name, font: best[1].font };
}
