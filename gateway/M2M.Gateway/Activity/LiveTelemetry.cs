using System.Collections.Concurrent;
using System.Threading.Channels;

namespace M2M.Gateway.Activity;

/// <summary>One thing that happened to a device, for a live view.</summary>
/// <param name="At">When.</param>
/// <param name="Kind"><c>message</c> (accepted), <c>refused</c>, or <c>session</c>.</param>
/// <param name="Reason">The stable reason: the outcome of a message, <c>connected</c> or why a session ended.</param>
/// <param name="Detail">The topic of a message, the address of a new session.</param>
/// <param name="Payload">An accepted message's payload; a reference to the ingress's own bytes, read-only.</param>
public sealed record LiveEvent(DateTimeOffset At, string Kind, string Reason, string? Detail, ReadOnlyMemory<byte>? Payload);

/// <summary>
/// Fans a device's events out to whoever watches it live (the console's Server-Sent Events). With no
/// watcher the ingress pays one dictionary look-up; a watcher that does not keep up loses its oldest
/// events (its queue is bounded) rather than slowing the ingress.
/// </summary>
public sealed class LiveTelemetry
{
    /// <summary>Events queued per watcher before the oldest are dropped.</summary>
    public const int QueueLength = 256;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<LiveEvent>, byte>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Passes <paramref name="liveEvent"/> to the watchers of <paramref name="deviceId"/>.</summary>
    public void Publish(string deviceId, LiveEvent liveEvent)
    {
        if (_watchers.IsEmpty || !_watchers.TryGetValue(deviceId, out var channels))
        {
            return;
        }

        foreach (var channel in channels.Keys)
        {
            channel.Writer.TryWrite(liveEvent);
        }
    }

    /// <summary>The events of <paramref name="deviceId"/> from now until <paramref name="cancellationToken"/> ends the watch.</summary>
    public async IAsyncEnumerable<LiveEvent> WatchAsync(string deviceId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(QueueLength)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var channels = _watchers.GetOrAdd(deviceId, _ => new ConcurrentDictionary<Channel<LiveEvent>, byte>());
        channels[channel] = 0;
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var liveEvent))
                {
                    yield return liveEvent;
                }
            }
        }
        finally
        {
            channels.TryRemove(channel, out _);
            if (channels.IsEmpty)
            {
                _watchers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Channel<LiveEvent>, byte>>(deviceId, channels));
            }
        }
    }
}
