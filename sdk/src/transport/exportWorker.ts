/**
 * The export worker's entry: builds its own Kinesis client from the connection settings (a
 * client object cannot cross threads) and runs the export pipeline on each batch the host
 * posts, answering with the batch's outcome. Errors are relayed to the host's `onError`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSdkKinesisClient } from '../config.ts';
import { relayableError } from './errors.ts';
import { ExportPipeline } from './ExportPipeline.ts';
import { leanPutRecords } from './putRecords.ts';
import type {
  ExportRequest,
  ExportWorkerData,
  ExportWorkerMessage,
} from './WorkerBatchExporter.ts';

const port = parentPort;
if (!port) throw new Error('exportWorker.ts runs as a worker thread of the Sightline transport');

const { settings, connection } = workerData as ExportWorkerData;
const post = (message: ExportWorkerMessage) => port.postMessage(message);
const pipeline = new ExportPipeline({
  ...settings,
  putRecords: leanPutRecords(createSdkKinesisClient(connection)),
  sliceMs: Number.POSITIVE_INFINITY,
  compression: 'sync',
  onError: (error) => post({ type: 'error', error: relayableError(error) }),
});

port.on('message', (request: ExportRequest) => {
  if (request.type === 'flush') {
    pipeline.flush();
    return;
  }
  const { id, frames, count, keys, keysFrom, urgent } = request;
  void pipeline
    .exportBatch({ frames, count, keys, keysFrom }, urgent, () => post({ type: 'retried', id }))
    .then((outcome) => post({ type: 'settled', id, outcome }));
});
