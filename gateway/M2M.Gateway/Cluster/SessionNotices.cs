using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace M2M.Gateway.Cluster;

/// <summary>
/// Keeps a device's session single across the cluster and its operator changes prompt on every
/// node (docs/scaling.md, "Sessions across nodes"), over core NATS (at most once: a lost notice is
/// bounded by the periodic revalidation for changes, and by the device's keep alive for takeover):
/// <list type="bullet">
/// <item><c>{prefix}.session.{device}</c>, payload <c>{node} {unix ms}</c>: this node accepted a
/// session of the device. A node holding an older session of it closes that one with 0x8E, as one
/// broker does when the same client identifier connects again (MQTT 5 section 3.1.4). Older means
/// announced earlier, ties broken by node name, so two nodes racing on one device keep one session,
/// not none.</item>
/// <item><c>{prefix}.changed.{device}</c>, payload <c>{node}</c>: the device was disabled, rotated,
/// deleted or re-registered, or one of its tokens revoked, on this node. The others re-check the
/// device's session against the registry's current record at once.</item>
/// </list>
/// </summary>
public sealed partial class SessionNotices : IHostedService, IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly SessionRegistry _sessions;
    private readonly IDeviceDirectory? _directory;
    private readonly ITokenRevocations? _revocations;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionNotices> _logger;
    private readonly string _node;
    private readonly string _sessionSubject;
    private readonly string _changedSubject;

    // When this node announced each live session, for the older-or-newer decision.
    private readonly ConditionalWeakTable<DeviceSession, Announced> _announced = [];
    private readonly ConcurrentDictionary<string, byte> _handlingRemoteChange = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _listening = Task.CompletedTask;

    public SessionNotices(NatsConnection nats, SessionRegistry sessions, IOptions<ClusterOptions> options, TimeProvider time, ILogger<SessionNotices> logger, IDeviceDirectory? directory = null, ITokenRevocations? revocations = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _nats = nats;
        _sessions = sessions;
        _directory = directory;
        _revocations = revocations;
        _time = time;
        _logger = logger;
        _node = options.Value.NodeId;
        _sessionSubject = options.Value.NoticeSubjectPrefix + ".session";
        _changedSubject = options.Value.NoticeSubjectPrefix + ".changed";
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _nats.ConnectAsync().ConfigureAwait(false);

        // Subscribed before the first announcement goes out, so a takeover that races the start is heard.
        var sessions = await _nats.SubscribeCoreAsync<byte[]>(_sessionSubject + ".*", cancellationToken: cancellationToken).ConfigureAwait(false);
        var changes = await _nats.SubscribeCoreAsync<byte[]>(_changedSubject + ".*", cancellationToken: cancellationToken).ConfigureAwait(false);
        _listening = Task.WhenAll(ListenAsync(sessions, OnSessionNoticeAsync), ListenAsync(changes, OnChangedNoticeAsync));

        _sessions.SessionAdded += OnSessionAdded;
        if (_directory != null)
        {
            _directory.DeviceChanged += OnDeviceChanged;
        }

        if (_revocations != null)
        {
            _revocations.TokenRevoked += OnDeviceChanged;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _sessions.SessionAdded -= OnSessionAdded;
        if (_directory != null)
        {
            _directory.DeviceChanged -= OnDeviceChanged;
        }

        if (_revocations != null)
        {
            _revocations.TokenRevoked -= OnDeviceChanged;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listening.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void OnSessionAdded(object? sender, DeviceSession session)
    {
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _announced.AddOrUpdate(session, new Announced(at));
        Publish(string.Concat(_sessionSubject, ".", session.DeviceId), string.Create(CultureInfo.InvariantCulture, $"{_node} {at}"));
    }

    private void OnDeviceChanged(object? sender, string deviceId)
    {
        // A re-check started by another node's notice may raise the event again here: not echoed.
        if (!_handlingRemoteChange.ContainsKey(deviceId))
        {
            Publish(string.Concat(_changedSubject, ".", deviceId), _node);
        }
    }

    private void Publish(string subject, string payload)
    {
        _ = PublishAsync(subject, Encoding.ASCII.GetBytes(payload));
    }

    private async Task PublishAsync(string subject, byte[] payload)
    {
        try
        {
            await _nats.PublishAsync(subject, payload, cancellationToken: _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Not fatal: the periodic revalidation still ends a changed device's session on every node.
            LogNoticeFailed(_logger, subject, e.GetType().Name);
        }
    }

    private async Task ListenAsync(INatsSub<byte[]> subscription, Func<string, string, Task> handle)
    {
        await using (subscription.ConfigureAwait(false))
        {
            try
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
                {
                    var device = message.Subject[(message.Subject.LastIndexOf('.') + 1)..];
                    var payload = message.Data == null ? string.Empty : Encoding.ASCII.GetString(message.Data);
                    try
                    {
                        await handle(device, payload).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogNoticeFailed(_logger, message.Subject, e.GetType().Name);
                    }
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
        }
    }

    private Task OnSessionNoticeAsync(string deviceId, string payload)
    {
        var parts = payload.Split(' ');
        if (parts.Length != 2 || parts[0] == _node || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var at))
        {
            return Task.CompletedTask;
        }

        if (_sessions.Find(deviceId) is { } local && _announced.TryGetValue(local, out var announced)
            && (announced.At < at || (announced.At == at && string.CompareOrdinal(_node, parts[0]) < 0)))
        {
            LogTakenOver(_logger, deviceId, parts[0]);
            return _sessions.TakeOverAsync(local);
        }

        return Task.CompletedTask;
    }

    private async Task OnChangedNoticeAsync(string deviceId, string payload)
    {
        if (payload == _node || _sessions.Find(deviceId) == null)
        {
            return;
        }

        _handlingRemoteChange[deviceId] = 0;
        try
        {
            await _sessions.RevalidateCurrentAsync(deviceId).ConfigureAwait(false);
        }
        finally
        {
            _handlingRemoteChange.TryRemove(deviceId, out _);
        }
    }

    private sealed record Announced(long At);

    [LoggerMessage(Level = LogLevel.Information, Message = "The session of {DeviceId} moved to node {Node}: closing it here")]
    private static partial void LogTakenOver(ILogger logger, string deviceId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster notice on {Subject} failed ({Error})")]
    private static partial void LogNoticeFailed(ILogger logger, string subject, string error);
}
