using System.Net.Http.Headers;

namespace M2M.Gateway.Relay;

/// <summary>
/// POSTs each event to a URL in CloudEvents HTTP structured mode (content type
/// <c>application/cloudevents+json</c>); any 2xx answer is a delivery. Receivers deduplicate by the
/// event <c>id</c>, as at-least-once delivery requires.
/// </summary>
public sealed class WebhookSink(HttpClient client, Uri url) : IRecordSink
{
    private static readonly MediaTypeHeaderValue CloudEventsJson = new("application/cloudevents+json") { CharSet = "utf-8" };

    public string Name => "webhook";

    public Task<long> RecoverPositionAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public async Task DeliverAsync(long position, byte[] eventJson, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(eventJson);
        content.Headers.ContentType = CloudEventsJson;
        using var response = await client.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
