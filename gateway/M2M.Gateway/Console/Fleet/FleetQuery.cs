using M2M.Gateway.Activity;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Registry;

namespace M2M.Gateway.OperatorConsole.Fleet;

/// <summary>A device's status in the fleet list.</summary>
public enum FleetStatus
{
    /// <summary>Any device.</summary>
    All,

    /// <summary>With a live MQTT session now.</summary>
    Connected,

    /// <summary>Enabled, without a session.</summary>
    Offline,

    /// <summary>Disabled by an operator.</summary>
    Disabled,
}

/// <summary>One device of the fleet list: its registration, its live session if any, and what the ingress saw of it.</summary>
/// <param name="Device">The registry's record.</param>
/// <param name="Session">Its live session, or null.</param>
/// <param name="Activity">Its recent activity.</param>
public sealed record FleetRow(RegisteredDevice Device, DeviceSession? Session, DeviceActivitySnapshot Activity);

/// <summary>A page of the fleet and the id the next page starts after (null on the last page).</summary>
public sealed record FleetPage(IReadOnlyList<FleetRow> Rows, string? NextAfter);

/// <summary>
/// The fleet list: registry pages (keyset paging, <see cref="DevicePageQuery"/>) joined with the live
/// sessions and the in-memory activity. The connected filter walks the live sessions (in memory, in
/// id order) instead of the registry, so it costs what the connected devices cost, not the fleet.
/// </summary>
public sealed class FleetQuery(IDeviceRegistry registry, DeviceActivity activity, IServiceProvider services)
{
    /// <summary>Devices per page.</summary>
    public const int PageSize = 50;

    private readonly SessionRegistry? _sessions = services.GetService<SessionRegistry>();

    /// <summary>The page after <paramref name="query"/>'s <c>After</c> that matches it and <paramref name="status"/>.</summary>
    public async Task<FleetPage> ReadAsync(DevicePageQuery query, FleetStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = new List<FleetRow>(query.Limit);
        if (status == FleetStatus.Connected)
        {
            await ReadConnectedAsync(query, rows, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Offline devices are the enabled ones without a session: read registry pages and skip
            // the connected ones until the page is full or the registry is exhausted.
            var page = query with
            {
                Limit = query.Limit + 1,
                Enabled = status switch { FleetStatus.Disabled => false, FleetStatus.Offline => true, _ => query.Enabled },
            };
            while (true)
            {
                var devices = await registry.ListPageAsync(page, cancellationToken).ConfigureAwait(false);
                foreach (var device in devices)
                {
                    var session = _sessions?.Find(device.DeviceId);
                    if (status != FleetStatus.Offline || session == null)
                    {
                        rows.Add(Row(device, session));
                    }

                    if (rows.Count > query.Limit)
                    {
                        break;
                    }
                }

                if (rows.Count > query.Limit || devices.Count < page.Limit)
                {
                    break;
                }

                page = page with { After = devices[^1].DeviceId };
            }
        }

        // One row more than the page was read to know whether a next page exists.
        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveRange(query.Limit, rows.Count - query.Limit);
            next = rows[^1].Device.DeviceId;
        }

        return new FleetPage(rows, next);
    }

    /// <summary>One device's row, or null when it is not registered.</summary>
    public async Task<FleetRow?> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return device == null ? null : Row(device, _sessions?.Find(deviceId));
    }

    /// <summary>The number of registered devices and of live sessions.</summary>
    public async Task<(long Registered, int Connected)> CountAsync(CancellationToken cancellationToken) =>
        (await registry.CountAsync(cancellationToken).ConfigureAwait(false), _sessions?.Count ?? 0);

    private async Task ReadConnectedAsync(DevicePageQuery query, List<FleetRow> rows, CancellationToken cancellationToken)
    {
        if (_sessions == null)
        {
            return;
        }

        var ids = _sessions.DeviceIds
            .Where(id => (query.After == null || string.CompareOrdinal(id, query.After) > 0) && (query.IdPrefix == null || id.StartsWith(query.IdPrefix, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var chunk in ids.Chunk(query.Limit + 1))
        {
            var devices = await registry.FindManyAsync(chunk, cancellationToken).ConfigureAwait(false);
            foreach (var device in devices.Where(query.Matches).OrderBy(d => d.DeviceId, StringComparer.Ordinal))
            {
                rows.Add(Row(device, _sessions.Find(device.DeviceId)));
                if (rows.Count > query.Limit)
                {
                    return;
                }
            }
        }
    }

    private FleetRow Row(RegisteredDevice device, DeviceSession? session) => new(device, session, activity.Find(device.DeviceId));
}
