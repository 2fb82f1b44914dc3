import { basename, extname } from 'node:path';

/** Book ids are file stems reduced to [a-z0-9-]: safe as paths, Nx project names and row ids. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'book';
}

export function bookIdFromPath(pdfPath: string): string {
  return slugify(basename(pdfPath, extname(pdfPath)));
}

/** A book id that is already a slug; anything else could escape build/<id>/. */
export function isValidBookId(id: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id);
}

export function assertValidBookId(id: string): void {
  if (!isValidBookId(id)) {
    throw new Error(`invalid book id "${id}": book ids are file stems made of a-z, 0-9 and "-" (rename the PDF)`);
  }
}
