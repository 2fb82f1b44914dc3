import { furniture } from './furniture.js';
import { blankPage } from './blank-page.js';
import { frontMatter } from './front-matter.js';
import { tableOfContents } from './contents-page.js';
import { indexPage } from './index-page.js';
import { bibliography } from './bibliography.js';
import { garbled } from './garbled.js';
import { fragment } from './fragment.js';
import { language } from './language.js';
import { imageSize } from './image-size.js';
import { imageAspect } from './image-aspect.js';
import { imageUniform } from './image-uniform.js';
import type { NodeFilter } from './verdict.js';

/**
 * The filters in the order they are asked; a node is dropped for the first
 * reason that applies. Structure first (what pdf-html and the page tell),
 * then text quality, then images. Adding a filter: one file, one line here.
 */
export const FILTERS: readonly NodeFilter[] = [
  furniture,
  blankPage,
  frontMatter,
  tableOfContents,
  indexPage,
  bibliography,
  garbled,
  fragment,
  language,
  imageSize,
  imageAspect,
  imageUniform,
];
