using MQTTnet;
using MQTTnet.Formatter;

namespace M2M.Bench.Fleet;

/// <summary>
/// Many MQTT 5 connections from the load generator process: MQTTnet clients whose I/O runs on the
/// thread pool, so a few threads drive thousands of devices.
/// </summary>
public sealed class MqttFleet : IAsyncDisposable
{
    private static readonly MqttClientFactory Factory = new();
    private readonly List<IMqttClient> _clients = [];

    public IReadOnlyList<IMqttClient> Clients => _clients;

    /// <summary>
    /// The smallest Receive Maximum the server announced in a CONNACK (MQTT 5 section 3.2.2.3.3:
    /// absent means 65,535): no more QoS 1 messages may await their PUBACK on a connection.
    /// </summary>
    public int ReceiveMaximum { get; private set; } = ushort.MaxValue;

    /// <summary>
    /// Connects one client per entry, <paramref name="parallel"/> at a time. Returns the client of each
    /// entry (null when refused) and how many were refused, by CONNACK reason (or exception type); the
    /// connected ones join the fleet.
    /// </summary>
    public async Task<(IMqttClient?[] Clients, Dictionary<string, int> Refused)> ConnectAsync(int port, IReadOnlyList<(string ClientId, string? User, string? Password)> devices, int parallel, CancellationToken cancellationToken)
    {
        var refused = new Dictionary<string, int>();
        var connected = new IMqttClient?[devices.Count];
        await Parallel.ForAsync(0, devices.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (clientId, user, password) = devices[i];
            var client = Factory.CreateMqttClient();
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(clientId)
                .WithCleanStart(true)
                .WithKeepAlivePeriod(TimeSpan.FromMinutes(5))
                .WithTimeout(TimeSpan.FromSeconds(30));
            if (user != null)
            {
                builder = builder.WithCredentials(user, password);
            }

            string? reason;
            try
            {
                var result = await client.ConnectAsync(builder.Build(), ct).ConfigureAwait(false);
                reason = result.ResultCode == MqttClientConnectResultCode.Success ? null : result.ResultCode.ToString();
                if (reason == null && result.ReceiveMaximum is { } announced and > 0)
                {
                    lock (refused)
                    {
                        ReceiveMaximum = Math.Min(ReceiveMaximum, announced);
                    }
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or MQTTnet.Adapter.MqttConnectingFailedException)
            {
                reason = e.GetType().Name;
            }

            if (reason == null)
            {
                connected[i] = client;
                return;
            }

            client.Dispose();
            lock (refused)
            {
                refused[reason] = refused.GetValueOrDefault(reason) + 1;
            }
        }).ConfigureAwait(false);
        _clients.AddRange(connected.Where(c => c != null)!);
        return (connected, refused);
    }

    /// <summary>Closes every connection with a normal DISCONNECT.</summary>
    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (client, ct) =>
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(cancellationToken: ct).ConfigureAwait(false);
                }
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The server already closed it.
            }

            client.Dispose();
        }).ConfigureAwait(false);
        _clients.Clear();
    }
}
