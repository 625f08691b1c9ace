using M2M.Gateway.Ingress.Broker;
using M2M.Gateway.Relay;
using M2M.Gateway.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace M2M.Gateway.Tests;

/// <summary>
/// When the host stops, the MQTT listener stops before the relay, so nothing is acknowledged that no
/// relay is left to deliver in this run: the generic host stops hosted services in the reverse order
/// of their registration (Microsoft.Extensions.Hosting, Host.StopAsync), so the relay must be
/// registered before the broker (Ingress/MqttIngressExtensions.cs).
/// </summary>
public sealed class IngestStopsBeforeTheRelayTests
{
    [Fact]
    public async Task TheRelayIsRegisteredBeforeTheBrokerSoItStopsAfterIt()
    {
        var data = Directory.CreateTempSubdirectory("m2m-order-").FullName;
        List<Type> hosted;
        await using (var app = TestGateway.Build(["--Gateway:DataDirectory", data], TestWorld.Create()))
        {
            hosted = [.. app.Services.GetServices<IHostedService>().Select(s => s.GetType())];
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);

        Assert.Contains(typeof(RelayService), hosted);
        Assert.Contains(typeof(MqttListener), hosted);
        Assert.True(hosted.IndexOf(typeof(RelayService)) < hosted.IndexOf(typeof(MqttListener)),
            "Registered after the broker, the relay would stop first while MQTT still acknowledges: " + string.Join(", ", hosted.Select(t => t.Name)));
    }
}
