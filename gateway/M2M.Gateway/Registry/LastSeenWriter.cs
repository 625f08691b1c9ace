namespace M2M.Gateway.Registry;

/// <summary>
/// Last-seen (or last-used) times of <c>registry.db</c>, coalesced: a device (an API key) seen many
/// times in a second is written once, and every one seen in that second shares one transaction (one
/// fsync), written <see cref="FlushInterval"/> after the first of them and when the owner is disposed.
/// Last-seen is bookkeeping (docs/admin-api.md), so a request never waits for it; the owner's own
/// reads add what is not yet written (<see cref="Overlay"/>, <see cref="Pending"/>), so through this
/// gateway it is current at once. A crash loses at most the last interval's times.
/// </summary>
/// <param name="database">The registry.</param>
/// <param name="update">The UPDATE statement that writes one time, with parameters <c>@id</c> and <c>@seen</c> (Unix milliseconds).</param>
/// <param name="time">The clock of the flush timer.</param>
/// <param name="logger">Where a failed write is reported.</param>
internal sealed partial class LastSeenWriter(IRegistryDatabase database, string update, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    /// <summary>The statement of devices: live rows only, never earlier than the registration (a time recorded before a deletion and a new registration of the id is not the new registration's).</summary>
    public static string DevicesUpdate(IRegistryDatabase database) =>
        $"UPDATE devices SET last_seen_at = {database.Greatest}(coalesce(last_seen_at, 0), @seen) WHERE id = @id AND deleted_at IS NULL AND created_at <= @seen;";

    /// <summary>How long a last-seen time waits before it is written.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    // device id -> latest seen time (Unix milliseconds) not yet written.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private ITimer? _timer;
    private int _scheduled;
    private bool _disposed;

    /// <summary>Notes that <paramref name="deviceId"/> was seen at <paramref name="seenAtMs"/> (Unix milliseconds).</summary>
    public void Record(string deviceId, long seenAtMs)
    {
        _pending.AddOrUpdate(deviceId, seenAtMs, (_, earlier) => Math.Max(earlier, seenAtMs));
        Schedule();
    }

    /// <summary>The device with its last-seen time not yet written, if it is later than the one read.</summary>
    public RegisteredDevice Overlay(RegisteredDevice device)
    {
        if (!_pending.TryGetValue(device.DeviceId, out var seenAtMs) || !Applies(device, seenAtMs))
        {
            return device;
        }

        return device with { LastSeenAt = DateTimeOffset.FromUnixTimeMilliseconds(seenAtMs) };
    }

    /// <summary>The time recorded for <paramref name="id"/> and not written yet (Unix milliseconds), if any.</summary>
    public long? Pending(string id) => _pending.TryGetValue(id, out var seenAtMs) ? seenAtMs : null;

    /// <summary>Writes every pending time in one transaction; on failure they stay pending for the next attempt.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Re-armed by the next Record; taken before the snapshot, so no time is left unscheduled.
            Volatile.Write(ref _scheduled, 0);
            var batch = _pending.ToArray();
            if (batch.Length == 0)
            {
                return;
            }

            try
            {
                await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogWriteFailed(logger, exception, batch.Length);
                Schedule();
                return;
            }

            foreach (var written in batch)
            {
                // A later time recorded meanwhile stays pending.
                _pending.TryRemove(written);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Writes what is pending; times recorded afterwards are no longer scheduled.</summary>
    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void Schedule()
    {
        if (!Volatile.Read(ref _disposed) && Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            var timer = time.CreateTimer(_ => _ = FlushAsync(CancellationToken.None), null, FlushInterval, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _timer, timer)?.Dispose();
        }
    }

    /// <summary>A time recorded before the device was registered (again) belongs to an earlier registration.</summary>
    private static bool Applies(RegisteredDevice device, long seenAtMs) =>
        seenAtMs >= device.CreatedAt.ToUnixTimeMilliseconds() && (device.LastSeenAt == null || seenAtMs > device.LastSeenAt.Value.ToUnixTimeMilliseconds());

    private async Task WriteAsync(KeyValuePair<string, long>[] batch, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Ids in order, so two nodes flushing overlapping batches lock rows in the same order.
            var transaction = await database.BeginWriteAsync(connection, null, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var command = connection.Command(update, transaction);
                foreach (var (deviceId, seenAtMs) in batch.OrderBy(b => b.Key, StringComparer.Ordinal))
                {
                    command.Add("id", deviceId).Add("seen", seenAtMs);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record when {Count} devices or keys were last seen; trying again")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);
}
