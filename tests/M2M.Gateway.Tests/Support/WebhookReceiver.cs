using System.Collections.Concurrent;
using System.Text.Json;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace M2M.Gateway.Tests.Support;

/// <summary>One event the receiver took: the request's Content-Type and the CloudEvent it carried.</summary>
public sealed record WebhookDelivery(string? ContentType, JsonElement Event)
{
    /// <summary>The event's <c>id</c>.</summary>
    public string? Id => Event.GetProperty("id").GetString();
}

/// <summary>
/// A webhook receiver on loopback (Kestrel, a free port) that keeps every event POSTed to
/// <see cref="Url"/>; while <see cref="Down"/> it answers 503 and counts the refusals, and with
/// <see cref="RequiredAuthorization"/> it answers 401 to any other credential.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();
    private int _refused;
    private volatile bool _down;

    private WebhookReceiver(WebApplication app, Uri url, bool down)
    {
        _app = app;
        Url = url;
        _down = down;
    }

    /// <summary>Where the gateway's webhook sink posts (Gateway:Relay:Webhook:Url).</summary>
    public Uri Url { get; }

    /// <summary>While true, every POST is answered 503 and not kept.</summary>
    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>When set, the exact <c>Authorization</c> header a POST must carry; any other is answered 401 and not kept.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>POSTs answered 503 so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>The events kept so far, in arrival order.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries => [.. _deliveries];

    public static async Task<WebhookReceiver> StartAsync(bool down = false)
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}/events"), down);
        app.MapPost("/events", receiver.ReceiveAsync);
        await app.StartAsync().ConfigureAwait(false);
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived, and returns all of them.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(int count) =>
        Eventually.ValueAsync(() => Deliveries, d => d.Count >= count, $"{count} webhook deliveries");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        if (_down)
        {
            Interlocked.Increment(ref _refused);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (RequiredAuthorization != null && request.Headers.Authorization.ToString() != RequiredAuthorization)
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        using var document = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        _deliveries.Enqueue(new WebhookDelivery(request.ContentType, document.RootElement.Clone()));
        return Results.Ok();
    }
}
