import type { Handlers, InputInfo } from '../../shared/contract'
import {
  InputError,
  readImageBytes,
  readImageFile,
  readImageUrl,
  type ImageRead,
  type InputStore,
} from '../inputs'
import type { FetchLike } from '../kling/http'
import { CallError } from './call-error'
import type { DesktopActions } from './desktop'

// Images a person brings to a generation: dropped, pasted, picked with the system's file picker,
// fetched from an address, or a frame of a library video the window captured. Main checks each
// against the documented rules and keeps it in the library by content hash; the window only ever
// holds its name (`input:<sha256>.png`) and its facts.

export class InputsService {
  constructor(
    private readonly o: {
      inputs: InputStore
      actions: Pick<DesktopActions, 'chooseImage'>
      fetch?: FetchLike
    },
  ) {}

  /** Reads, checks and keeps one image; a broken rule is an error the window can translate. */
  private async keep(read: () => ImageRead | Promise<ImageRead>): Promise<InputInfo> {
    try {
      const image = await read()
      const { ref, facts } = await this.o.inputs.put(image.bytes, image.provenance)
      const format = facts.format === 'png' ? 'png' : 'jpeg'
      return { ref, format, width: facts.width, height: facts.height, bytes: facts.bytes }
    } catch (error) {
      throw error instanceof InputError
        ? new CallError(`input.${error.rule}`, error.message)
        : error
    }
  }

  handlers(): Pick<Handlers, 'inputs.add' | 'inputs.fromUrl' | 'inputs.chooseFile'> {
    return {
      'inputs.add': ({ bytes, source, jobId, at }) => {
        const origin = source === 'frame' && jobId ? `${jobId}@${at ?? 0}` : `window ${source}`
        const from = source === 'frame' ? 'frame' : 'file'
        return this.keep(() => readImageBytes(bytes, { source: from, origin }))
      },
      'inputs.fromUrl': ({ url }) => this.keep(() => readImageUrl(url, { fetch: this.o.fetch })),
      'inputs.chooseFile': async () => {
        const path = await this.o.actions.chooseImage()
        return path === null ? null : this.keep(() => readImageFile(path))
      },
    }
  }
}
