/** What the OCR probe's generated page says (test/ocr-child.ts draws it; test/ocr.test.ts checks it). */
export const TITLE = 'Cardiac Output';
export const BODY = [
  'Cardiac output is the volume of blood the heart pumps each minute.',
  'It equals the stroke volume multiplied by the heart rate.',
  'In a resting adult it is about five litres per minute, and during',
  'hard exercise it can rise to more than twenty litres per minute.',
];
export const CAPTION = 'Figure 1. Output against heart rate.';
export const LABELS = ['Rate', 'Output'];
