import { parsePairLine, parsePair, unsafeNameReason, normalizePmcid, pmcidFromImageName, normalizeCaption } from '../src/pair.js';
import { loadRocoPairs } from './fixtures.js';

describe('parsePair', () => {
  it('reads the public split layout (image, caption, pmcid, url_name)', () => {
    const v = parsePairLine(JSON.stringify({ image: 'PMC212319_Fig3_4.jpg', caption: 'A. Real time image of ARF1-GFP.', pmcid: 'PMC212319', url_name: '1471-2121-4-13-3.jpg' }));
    expect(v).toEqual({ ok: true, value: { image: 'PMC212319_Fig3_4.jpg', caption: 'A. Real time image of ARF1-GFP.', pmcid: 'PMC212319' } });
  });

  it('reads the single-file layout (alignment fields ignored) and takes the PMC id from the name', () => {
    const v = parsePairLine('{"image":"PMC3498864_jovr-04-256f2.jpg","caption":"Right gaze.","alignment_type":"subfigure","alignment_score":0.93}');
    expect(v).toEqual({ ok: true, value: { image: 'PMC3498864_jovr-04-256f2.jpg', caption: 'Right gaze.', pmcid: 'PMC3498864' } });
  });

  it('rejects each kind of bad row with its reason', () => {
    const reason = (text: string): string => {
      const v = parsePairLine(text);
      return v.ok ? 'ok' : v.reason;
    };
    expect(reason('{"image": "PMC1_a.jpg", "caption": ')).toBe('malformed-json');
    expect(reason('[1,2]')).toBe('invalid-row');
    expect(reason('"just a string"')).toBe('invalid-row');
    expect(reason('{"caption":"no image"}')).toBe('invalid-row');
    expect(reason('{"image":42,"caption":"x"}')).toBe('invalid-row');
    expect(reason('{"image":"PMC1_a.jpg","caption":{"text":"x"}}')).toBe('invalid-row');
    expect(reason('{"image":"PMC1_a.jpg","caption":"  \\n\\t "}')).toBe('empty-caption');
    expect(reason('{"image":"PMC1_a.jpg"}')).toBe('empty-caption');
    expect(reason('{"image":"../../etc/passwd","caption":"x"}')).toBe('unsafe-path');
    expect(reason('{"image":"/etc/passwd","caption":"x"}')).toBe('unsafe-path');
    expect(reason('{"image":"C:/Windows/win.ini","caption":"x"}')).toBe('unsafe-path');
    expect(reason('{"image":"..\\\\evil.jpg","caption":"x"}')).toBe('unsafe-path');
    expect(reason('{"image":"PMC1_a.jpg","caption":"ok"}')).toBe('ok');
  });

  it('keeps a real caption intact apart from whitespace folding', () => {
    const [first] = loadRocoPairs('radiology');
    const v = parsePair({ image: first!.image, caption: first!.caption });
    expect(v.ok && v.value.caption).toBe(first!.caption.trim());
    expect(v.ok && v.value.pmcid).toBe(first!.image.split('_')[0]);
  });
});

describe('helpers', () => {
  it('unsafeNameReason allows plain and nested names, refuses escapes', () => {
    expect(unsafeNameReason('PMC1_a.jpg')).toBeNull();
    expect(unsafeNameReason('sub/PMC1_a.jpg')).toBeNull();
    expect(unsafeNameReason('a/../../b.jpg')).toMatch(/\.\./);
    expect(unsafeNameReason('a//b.jpg')).not.toBeNull();
    expect(unsafeNameReason('./a.jpg')).not.toBeNull();
    expect(unsafeNameReason('a\0.jpg')).not.toBeNull();
    expect(unsafeNameReason('')).not.toBeNull();
  });

  it('normalizes PMC ids from field values and image names', () => {
    expect(normalizePmcid('PMC212319')).toBe('PMC212319');
    expect(normalizePmcid('pmc212319')).toBe('PMC212319');
    expect(normalizePmcid(212319)).toBe('PMC212319');
    expect(normalizePmcid('212319')).toBe('PMC212319');
    expect(normalizePmcid('n/a')).toBeNull();
    expect(normalizePmcid(undefined)).toBeNull();
    expect(pmcidFromImageName('PMC4299014_sensors-14-22285f2.jpg')).toBe('PMC4299014');
    expect(pmcidFromImageName('sub/PMC42.jpg')).toBe('PMC42');
    expect(pmcidFromImageName('figure1.jpg')).toBeNull();
    expect(pmcidFromImageName('PMC42x_a.jpg')).toBeNull();
  });

  it('escapes special markers typed in a caption', () => {
    expect(normalizeCaption(' An <image> of\n the <|endofchunk|> token ')).toBe('An < image> of the <|end of chunk|> token');
  });
});
