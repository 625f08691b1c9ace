using System.Net.Http.Headers;

namespace M2M.Gateway.Relay;

/// <summary>
/// POSTs each event to a URL in CloudEvents HTTP structured mode (content type
/// <c>application/cloudevents+json</c>); any 2xx answer is a delivery. Any other answer, a failed
/// connection or a timeout fails that event (<see cref="SinkDeliveryException"/>: retried, then
/// dead-lettered), named by status code or error kind, never by the URL, which may carry a secret.
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
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new SinkDeliveryException($"http {exception.HttpRequestError}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException("http timeout", exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new SinkDeliveryException($"http {(int)response.StatusCode}");
            }
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask CloseAsync() => ValueTask.CompletedTask;
}

/// <summary>Configuration section <c>Gateway:Relay:Webhook</c>.</summary>
public sealed class WebhookSinkOptions
{
    /// <summary>Where each event is POSTed (application/cloudevents+json); null turns the webhook off.</summary>
    public Uri? Url { get; set; }

    /// <summary>Timeout of one POST.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The <c>webhook</c> sink kind: on when <c>Gateway:Relay:Webhook:Url</c> is set.</summary>
public sealed class WebhookSinkKind : SinkKind<WebhookSinkOptions>
{
    public override string Name => "webhook";

    public override string Section => "Webhook";

    protected override bool IsEnabled(WebhookSinkOptions options) => options.Url != null;

    protected override IEnumerable<string> Validate(WebhookSinkOptions options)
    {
        if (options.Url is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            yield return $"{Key("Url")} is not an absolute http or https URL";
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            yield return $"{Key("Timeout")} must be positive";
        }
    }

    protected override IRecordSink Create(WebhookSinkOptions options, SinkContext context)
    {
        var client = context.Services.GetRequiredService<IHttpClientFactory>().CreateClient("m2m-webhook");
        client.Timeout = options.Timeout;
        return new WebhookSink(client, options.Url!);
    }
}
