using System.Net;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Relay.Http;

/// <summary>
/// A sink that maps records onto a backend's own model and pushes a batch of them per HTTP request
/// (Prometheus remote write, Loki push). Stages, in order: <b>map</b> each event (in
/// <see cref="DeliverAsync"/>), <b>push</b> the batch (in <see cref="FlushAsync"/>), and <b>sort
/// out a refusal</b>.
/// </summary>
/// <remarks>
/// Both backends refuse a whole request for one sample or entry they will never take (out of order,
/// a duplicate with another value, too old), answering 400 (Prometheus rolls the whole request
/// back). So a refused batch is pushed again one record per request: the records the backend takes
/// are delivered, and each one it refuses is skipped for good with its reason
/// (<c>m2m_relay_skipped_total{sink,reason}</c>, a warning with the event id), never retried: the
/// same request would be refused again. That is also what a redelivery after a crash meets: the
/// backend already holds those records and refuses them as out of order or duplicates, so each
/// sample is stored once. Anything else (a 5xx, 429, 408, 404, a refused credential, no connection,
/// a timeout; <see cref="HttpSinkRequest"/>) fails the flush: the relay recovers the sink with
/// backoff and pushes the batch again, forever, so nothing is lost while the backend is down or a
/// credential is being fixed.
/// </remarks>
public abstract partial class BatchingHttpSink<TItem>(string name, HttpClient client, Uri url, GatewayMetrics metrics, ILogger logger) : IRecordSink, IDisposable
    where TItem : class
{
    private readonly List<(string Id, TItem Item)> _pending = [];

    public string Name => name;

    public Task<long> RecoverPositionAsync(CancellationToken cancellationToken)
    {
        _pending.Clear();
        return Task.FromResult(0L);
    }

    public ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        var record = RelayRecord.Read(relayEvent, name);
        var (item, skipped) = Map(record, relayEvent);
        if (item != null)
        {
            _pending.Add((record.Id, item));
        }
        else
        {
            metrics.Skipped(name, skipped ?? "no_data");
        }

        return ValueTask.CompletedTask;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var refusal = await PushAsync(_pending.ConvertAll(p => p.Item), cancellationToken).ConfigureAwait(false);
        if (refusal != null && _pending.Count > 1)
        {
            foreach (var (id, item) in _pending)
            {
                var reason = await PushAsync([item], cancellationToken).ConfigureAwait(false);
                if (reason != null)
                {
                    Skip(id, reason);
                }
            }
        }
        else if (refusal != null)
        {
            Skip(_pending[0].Id, refusal);
        }

        _pending.Clear();
    }

    public ValueTask CloseAsync()
    {
        _pending.Clear();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        client.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stage "map": the record as the backend stores it, or null and the reason it maps to nothing.</summary>
    protected abstract (TItem? Item, string? Skipped) Map(RelayRecord record, RelayEvent relayEvent);

    /// <summary>The request body of these items, with its headers.</summary>
    protected abstract HttpContent Encode(IReadOnlyList<TItem> items);

    /// <summary>Sends one request: null when the backend took it, the refusal's reason when it refused it for good; throws to retry.</summary>
    private async Task<string?> PushAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        using var content = Encode(items);
        using var response = await HttpSinkRequest.PostAsync(client, url, content, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.NotFound))
        {
            return RefusalReason(status, await ReadStartAsync(response, cancellationToken).ConfigureAwait(false));
        }

        throw HttpSinkRequest.Failure(response);
    }

    /// <summary>
    /// Stage "sort out a refusal": a stable reason from the backend's answer. Prometheus
    /// (storage/remote/write_handler.go) and Loki (pkg/validation) name the case in the body's text.
    /// </summary>
    private static string RefusalReason(int status, string body) =>
        body.Contains("out of order", StringComparison.OrdinalIgnoreCase) ? "out_of_order"
        : body.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? "duplicate"
        : body.Contains("out of bounds", StringComparison.OrdinalIgnoreCase) || body.Contains("too far behind", StringComparison.OrdinalIgnoreCase)
            || body.Contains("too old", StringComparison.OrdinalIgnoreCase) ? "too_old"
        : $"refused_{status}";

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Length > 1024 ? body[..1024] : body;
    }

    private void Skip(string id, string reason)
    {
        metrics.Skipped(name, reason);
        LogSkipped(name, id, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sink {Sink}: the backend refused record {Id} for good ({Reason}); it is skipped, not retried")]
    private partial void LogSkipped(string sink, string id, string reason);
}
