using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace M2M.Gateway.Tests.Support;

/// <summary>One message as JetStream stored it.</summary>
public sealed record StoredMessage(string Subject, IReadOnlyDictionary<string, string> Headers, byte[] Data)
{
    /// <summary>
    /// The CloudEvent the message carries: in binary mode rebuilt from its <c>ce-</c> headers,
    /// <c>content-type</c> and body (CloudEvents NATS binding section 3.1.3), in structured mode its body.
    /// </summary>
    public JsonElement Event()
    {
        if (Headers.TryGetValue("content-type", out var type) && type.StartsWith("application/cloudevents+json", StringComparison.Ordinal))
        {
            return JsonDocument.Parse(Data).RootElement.Clone();
        }

        var cloudEvent = new JsonObject();
        foreach (var (name, value) in Headers)
        {
            if (name.StartsWith("ce-", StringComparison.Ordinal))
            {
                cloudEvent[name[3..]] = value;
            }
        }

        if (type != null)
        {
            cloudEvent["datacontenttype"] = type;
        }

        cloudEvent["data_base64"] = Convert.ToBase64String(Data);
        return JsonSerializer.SerializeToElement(cloudEvent);
    }
}

/// <summary>Reads back every message of a JetStream stream, as a consumer of the NATS sink would.</summary>
public static class JetStreamMessages
{
    public static async Task<IReadOnlyList<StoredMessage>> ReadAllAsync(string url, string stream, string? user = null, string? password = null)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, AuthOpts = new NatsAuthOpts { Username = user, Password = password } });
        var js = new NatsJSContext(connection);
        var info = await js.GetStreamAsync(stream);
        var count = (int)info.Info.State.Messages;
        var messages = new List<StoredMessage>(count);
        if (count == 0)
        {
            return messages;
        }

        var consumer = await js.CreateOrderedConsumerAsync(stream);
        await foreach (var message in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = count, Expires = TimeSpan.FromSeconds(10) }))
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in message.Headers ?? new NatsHeaders())
            {
                headers[name] = values.ToString();
            }

            messages.Add(new StoredMessage(message.Subject, headers, message.Data ?? []));
        }

        return messages;
    }
}
