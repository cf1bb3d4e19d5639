/**
 * An administrator's MQTT client for tests: subscribes to a filter (`#` by default) on a broker
 * and keeps every message it sees, so a test can look at exactly what the broker carried.
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export interface SeenMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
}

export interface MqttSpy {
  readonly client: MqttClient;
  readonly messages: SeenMessage[];
  close(): Promise<void>;
}

export async function spyOn(
  url: string,
  filter = '#',
  options: IClientOptions = {},
): Promise<MqttSpy> {
  const client = await connectAsync(url, {
    protocolVersion: 5,
    reconnectPeriod: 1_000,
    clientId: `spy-${Math.random().toString(16).slice(2, 10)}`,
    ...options,
  });
  const messages: SeenMessage[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload, retain: packet.retain });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    messages,
    close: () => client.endAsync(true).then(() => undefined),
  };
}
