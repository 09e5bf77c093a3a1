/**
 * kinesalite with one stream, in its own process, so the Kinesis stand-in's work does not run
 * on the event loop being measured. Prints `{"endpoint", "streamName"}` and runs until killed.
 */
import { createStreamAndWait, startKinesalite } from '../../../infra/local/services/kinesalite.ts';
import { createTestKinesisClient } from '../../helpers/kinesalite.ts';

const server = await startKinesalite();
const client = createTestKinesisClient(server.endpoint);
const streamName = 'bench-sdk';
await createStreamAndWait(client, streamName, 4);
client.destroy();
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint, streamName })}\n`);
const stop = () => void server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
