import {
  checkImageFacts,
  formatFieldErrors,
  IMAGE_RULES,
  type FieldError,
} from '../../shared/kling'

// One error type for everything that can go wrong with an input image, raised before anything is
// stored or sent. It carries the field errors of the shared vocabulary (field, English message,
// rule, figures), so the command line can exit 2 naming the rule and the window can say it in
// the person's language by rule and params.

/** Every rule an InputError can name: the image rules of shared/kling, then the inputs' own. */
export const INPUT_RULES = [
  'image_format',
  'image_bytes',
  'image_pixels',
  'image_aspect',
  'image_count',
  'input_missing',
  'input_not_file',
  'input_unreadable',
  'url_unreadable',
  'input_ref',
  'input_not_stored',
  'input_altered',
  'ffmpeg_missing',
  'frame_time',
  'frame_unreadable',
  'mask_size',
] as const

export type InputRule = (typeof INPUT_RULES)[number]

export class InputError extends Error {
  /** The first error's rule and field; `errors` holds them all (an image may break several). */
  readonly rule: string
  readonly field: string
  readonly params: Record<string, string | number>
  readonly errors: readonly FieldError[]

  constructor(errors: FieldError | readonly FieldError[], options?: { cause?: unknown }) {
    const list = Array.isArray(errors) ? [...errors] : [errors as FieldError]
    if (list.length === 0) throw new Error('InputError needs at least one field error')
    super(formatFieldErrors(list), options)
    this.name = 'InputError'
    this.errors = list
    this.rule = list[0]!.rule ?? 'input_unreadable'
    this.field = list[0]!.field
    this.params = list[0]!.params ?? {}
  }

  static of(
    field: string,
    rule: InputRule,
    message: string,
    params?: Record<string, string | number>,
    cause?: unknown,
  ): InputError {
    const error: FieldError = params ? { field, message, rule, params } : { field, message, rule }
    return new InputError(error, cause === undefined ? undefined : { cause })
  }
}

/**
 * "image must be at most 10 MB (it has 12.5 MB)", worded by checkImageFacts itself, for a size
 * known before the bytes are read (a file's stat, a Content-Length).
 */
export function tooManyBytes(field: string, bytes: number): InputError {
  const side = IMAGE_RULES.minSide
  const errors = checkImageFacts({ format: 'png', bytes, width: side, height: side }, field)
  return new InputError(errors.filter((e) => e.rule === 'image_bytes'))
}

/** A download stopped at the cap: its full size is unknown, only that it passed the limit. */
export function pastTheCap(field: string): InputError {
  const mb = IMAGE_RULES.maxBytes / 1024 / 1024
  return InputError.of(
    field,
    'image_bytes',
    `${field} must be at most ${mb} MB (the download passed ${mb} MB and was stopped)`,
    { max: mb },
  )
}
