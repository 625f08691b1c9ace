using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Activity;
using M2M.Gateway.OperatorConsole.SignIn;
using M2M.Gateway.Registry;

namespace M2M.Gateway.OperatorConsole.Live;

/// <summary>One live event as the browser receives it (Server-Sent Events, event type = <see cref="Kind"/>).</summary>
/// <param name="At">When, ISO 8601 UTC.</param>
/// <param name="Kind"><c>message</c>, <c>refused</c> or <c>session</c>.</param>
/// <param name="Reason">The stable reason.</param>
/// <param name="Detail">The topic, or the address of a new session.</param>
/// <param name="Fields">The numeric fields of a JSON payload (nested names joined with '.'), for the charts.</param>
public sealed record LiveEventBody(DateTimeOffset At, string Kind, string Reason, string? Detail, IReadOnlyDictionary<string, double>? Fields);

/// <summary>
/// <c>GET /console/devices/{id}/live</c>: a device's events as they happen, as Server-Sent Events
/// (WHATWG HTML, section 9.2): accepted messages with the numeric fields of their JSON payload,
/// refusals with their reason, sessions opening and ending. A comment line every 15 s keeps proxies
/// from closing a quiet stream.
/// </summary>
internal static class LiveEventsEndpoint
{
    private const int MaxFields = 32;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ConsoleExtensions.BasePath + "/devices/{id}/live", async (string id, DeviceActivity activity, IDeviceRegistry registry, HttpContext context) =>
            {
                // Another tenant's device is answered as absent, as on the device page and in the admin API.
                var device = DeviceNames.IsValidDeviceId(id) ? await registry.FindAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
                if (device == null || !ConsoleAccess.Allows(context.User, AccessAction.ReadDevices, device.Tenant))
                {
                    return Results.NotFound();
                }

                return TypedResults.ServerSentEvents(StreamAsync(activity.Live, id, context.RequestAborted));
            })
            .RequireAuthorization(ConsolePolicies.SignedIn)
            .ExcludeFromDescription();
    }

    private static async IAsyncEnumerable<SseItem<LiveEventBody>> StreamAsync(LiveTelemetry live, string deviceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A first event at once: the browser knows the stream is open (and the test knows it is watched).
        yield return new SseItem<LiveEventBody>(new LiveEventBody(DateTimeOffset.UtcNow, "open", "watching", deviceId, null), "open");
        var events = live.WatchAsync(deviceId, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (events.ConfigureAwait(false))
        {
            var next = events.MoveNextAsync().AsTask();
            while (true)
            {
                var done = await Task.WhenAny(next, Task.Delay(KeepAlive, cancellationToken)).ConfigureAwait(false);
                if (done != next)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        yield break;
                    }

                    yield return new SseItem<LiveEventBody>(new LiveEventBody(DateTimeOffset.UtcNow, "ping", "ping", null, null), "ping");
                    continue;
                }

                bool more;
                try
                {
                    more = await next.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                var e = events.Current;
                yield return new SseItem<LiveEventBody>(new LiveEventBody(e.At, e.Kind, e.Reason, e.Detail, e.Payload is { } payload ? NumericFields(payload) : null), e.Kind);
                next = events.MoveNextAsync().AsTask();
            }
        }
    }

    /// <summary>The numeric members of a JSON object payload, nested objects flattened (<c>a.b</c>); null when the payload is no JSON object.</summary>
    internal static Dictionary<string, double>? NumericFields(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new Dictionary<string, double>(StringComparer.Ordinal);
            Collect(document.RootElement, null, fields, 0);
            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Collect(JsonElement element, string? prefix, Dictionary<string, double> fields, int depth)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (fields.Count >= MaxFields)
            {
                return;
            }

            var name = prefix == null ? member.Name : prefix + "." + member.Name;
            if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetDouble(out var value) && double.IsFinite(value))
            {
                fields[name] = value;
            }
            else if (member.Value.ValueKind == JsonValueKind.Object && depth < 2)
            {
                Collect(member.Value, name, fields, depth + 1);
            }
        }
    }
}
