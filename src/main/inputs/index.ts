// Images as inputs, kept with provenance: read and checked (files, URLs, frames, bytes from the
// window), stored in the library by content hash, and turned into base64 only on the wire. One
// file per concern; this one only gathers them.

export * from './errors'
export * from './image-facts'
export * from './read-image'
export * from './read-url'
export * from './frame'
export * from './input-store'
export * from './resolve'
export * from './prepare'
