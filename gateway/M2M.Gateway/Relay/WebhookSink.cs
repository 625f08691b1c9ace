using System.Net.Http.Headers;

namespace M2M.Gateway.Relay;

/// <summary>
/// POSTs each event to a URL in CloudEvents HTTP structured mode (content type
/// <c>application/cloudevents+json</c>); any 2xx answer is a delivery. Failures are read as for every
/// HTTP sink (<see cref="Http.HttpSinkRequest"/>): a refused credential fails the sink, anything
/// else that one event (retried, then dead-lettered).
/// Receivers deduplicate by the event <c>id</c>, as at-least-once delivery requires.
/// </summary>
public sealed class WebhookSink(HttpClient client, Uri url) : IRecordSink
{
    private static readonly MediaTypeHeaderValue CloudEventsJson = new("application/cloudevents+json") { CharSet = "utf-8" };

    public string Name => "webhook";

    public Task<long> RecoverPositionAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    public async ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(relayEvent.Json);
        content.Headers.ContentType = CloudEventsJson;
        using var response = await Http.HttpSinkRequest.PostAsync(client, url, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Http.HttpSinkRequest.Failure(response);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask CloseAsync() => ValueTask.CompletedTask;
}

/// <summary>Configuration section <c>Gateway:Relay:Webhook</c>: <c>Url</c>, <c>Timeout</c>, <c>Auth</c>.</summary>
public sealed class WebhookSinkOptions : Http.HttpSinkOptions;

/// <summary>The <c>webhook</c> sink kind: on when <c>Gateway:Relay:Webhook:Url</c> is set.</summary>
public sealed class WebhookSinkKind : Http.HttpSinkKind<WebhookSinkOptions>
{
    public override string Name => "webhook";

    public override string Section => "Webhook";

    protected override IRecordSink Create(WebhookSinkOptions options, HttpClient client, SinkContext context) => new WebhookSink(client, options.Url!);
}
