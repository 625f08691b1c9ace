using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The TLS listener applies the communication timeout to the handshake (docs/ingress.md, "Broker"):
/// a socket that says nothing, or starts a ClientHello and stops, is closed after it, as a plain-TCP
/// connection that sends half a CONNECT is.
/// </summary>
public sealed class TlsHandshakesAreBoundedTests : IAsyncLifetime
{
    private readonly string _certificate = Path.Combine(Path.GetTempPath(), $"m2m-tls-{Guid.NewGuid():N}.pfx");
    private readonly int _tlsPort = LoopbackPort.Free();
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllBytesAsync(_certificate, certificate.Export(X509ContentType.Pkcs12));
        _gateway = await InProcessGateway.StartAsync(TestWorld.Create(("sensor-1", "acme")), null,
            "--Gateway:Mqtt:TlsPort", _tlsPort.ToString(CultureInfo.InvariantCulture),
            "--Gateway:Mqtt:CertificatePath", _certificate,
            "--Gateway:Mqtt:CommunicationTimeout", "00:00:02");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        File.Delete(_certificate);
    }

    [Fact]
    public async Task ASilentSocketIsClosed()
    {
        await using var client = await RawMqttConnection.OpenAsync(_tlsPort);

        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AHalfSentClientHelloIsClosed()
    {
        await using var client = await RawMqttConnection.OpenAsync(_tlsPort);

        // A TLS handshake record header announcing 512 bytes, and only the first few of them.
        await client.SendAsync([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]);

        Assert.True(await client.ClosedAsync(TimeSpan.FromSeconds(30)));
    }
}
