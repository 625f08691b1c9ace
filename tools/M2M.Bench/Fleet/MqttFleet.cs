namespace M2M.Bench.Fleet;

/// <summary>Many devices' MQTT 5 connections (<see cref="MqttConnection"/>) in the load generator process.</summary>
public sealed class MqttFleet : IAsyncDisposable
{
    private readonly List<MqttConnection> _connections = [];

    public IReadOnlyList<MqttConnection> Connections => _connections;

    /// <summary>The smallest Receive Maximum the server announced: no more QoS 1 messages may await their PUBACK on a connection.</summary>
    public int ReceiveMaximum => _connections.Count == 0 ? ushort.MaxValue : _connections.Min(c => c.ReceiveMaximum);

    /// <summary>
    /// Connects one device per entry, <paramref name="parallel"/> CONNECTs in flight. Returns the
    /// connection of each entry (null when refused) and the refusals by CONNACK reason code (or socket
    /// error); the connected ones join the fleet.
    /// </summary>
    public Task<(MqttConnection?[] Connections, Dictionary<string, int> Refused)> ConnectAsync(int port, IReadOnlyList<(string ClientId, string? User, string? Password)> devices, int parallel) =>
        ConnectAsync([port], devices, parallel);

    /// <summary>Connects device i to <c>ports[i mod count]</c>: a fleet spread over a cluster's nodes.</summary>
    public async Task<(MqttConnection?[] Connections, Dictionary<string, int> Refused)> ConnectAsync(IReadOnlyList<int> ports, IReadOnlyList<(string ClientId, string? User, string? Password)> devices, int parallel)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var refused = new Dictionary<string, int>();
        var connected = new MqttConnection?[devices.Count];
        await Parallel.ForAsync(0, devices.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
        {
            var (clientId, user, password) = devices[i];
            var (connection, refusal) = await MqttConnection.ConnectAsync(ports[i % ports.Count], clientId, user, password, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            connected[i] = connection;
            if (refusal != null)
            {
                lock (refused)
                {
                    refused[refusal] = refused.GetValueOrDefault(refusal) + 1;
                }
            }
        }).ConfigureAwait(false);
        _connections.AddRange(connected.Where(c => c != null)!);
        return (connected, refused);
    }

    /// <summary>Closes every connection with a normal DISCONNECT.</summary>
    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (connection, _) =>
            await connection.DisposeAsync().ConfigureAwait(false)).ConfigureAwait(false);
        _connections.Clear();
    }
}
