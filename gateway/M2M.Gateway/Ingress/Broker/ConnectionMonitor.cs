using System.Collections.Concurrent;

namespace M2M.Gateway.Ingress.Broker;

/// <summary>
/// One timer for every connection's network-level deadlines, on real time (these protect sockets, not
/// protocol state, so they do not follow the injected clock): the CONNECT and every started packet
/// must arrive whole within <see cref="MqttIngressOptions.CommunicationTimeout"/> (MQTT 5 section
/// 3.1.4), a connected client must send a packet within 1.5 times its Keep Alive (section 3.1.2.10,
/// DISCONNECT 0x8D), and a connection that was told to close but does not drain its socket is
/// aborted. A sweep per second costs one pass over the connections; no timer per connection.
/// </summary>
internal sealed class ConnectionMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<MqttConnection, byte> _connections = new();
    private readonly PeriodicTimer _timer = new(Period);
    private readonly Task _loop;

    public ConnectionMonitor() => _loop = Task.Run(SweepLoopAsync);

    /// <summary>Connections open now.</summary>
    public int Count => _connections.Count;

    /// <summary>Every connection open now.</summary>
    public ICollection<MqttConnection> Connections => _connections.Keys;

    public void Add(MqttConnection connection) => _connections.TryAdd(connection, 0);

    public void Remove(MqttConnection connection) => _connections.TryRemove(connection, out _);

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
    }

    private async Task SweepLoopAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            var now = Environment.TickCount64;
            foreach (var connection in _connections.Keys)
            {
                connection.CheckDeadlines(now);
            }
        }
    }
}
