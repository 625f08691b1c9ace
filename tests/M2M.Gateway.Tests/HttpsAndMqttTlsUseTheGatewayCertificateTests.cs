using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using M2M.Gateway.Https;
using M2M.Gateway.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;

namespace M2M.Gateway.Tests;

/// <summary>
/// HTTPS and MQTT over TLS (docs/tokens.md "HTTPS"): with no certificate configured, the gateway's
/// development CA issues one; a client that trusts only the exported CA certificate connects to both,
/// one that trusts the system roots does not. An operator's PKCS#12 file replaces it.
/// </summary>
public class HttpsAndMqttTlsUseTheGatewayCertificateTests
{
    [Fact]
    public async Task ClientsTrustingOnlyTheExportedCaConnectOverHttpsAndMqttTls()
    {
        await using var gateway = await TokenGateway.StartAsync();
        var device = (await gateway.Registry.AddAsync("sensor-0001", "acme", [], default))!;
        using var plain = gateway.Client();
        var caPem = await plain.GetStringAsync(new Uri(GatewayCertificate.CaPath, UriKind.Relative));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(gateway.DataDirectory, GatewayCertificate.CaFileName)), caPem);
        using var ca = X509Certificate2.CreateFromPem(caPem);
        Assert.False(ca.HasPrivateKey);

        using var trusting = gateway.HttpsClient(caPem);
        Assert.Equal("Healthy", await trusting.GetStringAsync(new Uri("/health", UriKind.Relative)));
        var token = await gateway.GetAccessTokenAsync(trusting, device, DateTimeOffset.UtcNow);

        using var systemTrust = new HttpClient { BaseAddress = gateway.HttpsAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.GetStringAsync(new Uri("/health", UriKind.Relative)));

        using var mqtt = new MqttClientFactory().CreateMqttClient();
        var connect = await mqtt.ConnectAsync(MqttOptions(gateway, token, ca));
        Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
        await mqtt.DisconnectAsync();

        using var stranger = NewCa();
        using var distrusting = new MqttClientFactory().CreateMqttClient();
        await Assert.ThrowsAnyAsync<Exception>(() => distrusting.ConnectAsync(MqttOptions(gateway, token, stranger)));
    }

    [Fact]
    public async Task AnOperatorCertificateReplacesTheDevelopmentCa()
    {
        using var operatorCa = NewCa();
        var directory = Directory.CreateTempSubdirectory("m2m-operator-cert-").FullName;
        var pfx = Path.Combine(directory, "gateway.pfx");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var issued = request.Create(operatorCa, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);
            using var withKey = issued.CopyWithPrivateKey(key);
            await File.WriteAllBytesAsync(pfx, withKey.Export(X509ContentType.Pkcs12, "secret"));
        }

        try
        {
            await using var gateway = await TokenGateway.StartAsync(null, null, null, "--Gateway:Https:CertificatePath", pfx, "--Gateway:Https:CertificatePassword", "secret");
            using var trusting = gateway.HttpsClient(operatorCa.ExportCertificatePem());
            Assert.Equal("Healthy", await trusting.GetStringAsync(new Uri("/health", UriKind.Relative)));
            using var plain = gateway.Client();
            using var response = await plain.GetAsync(new Uri(GatewayCertificate.CaPath, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.False(File.Exists(Path.Combine(gateway.DataDirectory, GatewayCertificate.CaFileName)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static MqttClientOptions MqttOptions(TokenGateway gateway, string token, X509Certificate2 trustedCa) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", gateway.MqttTlsPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("sensor-0001")
            .WithCredentials("sensor-0001", token)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(tls => tls.UseTls().WithTargetHost("127.0.0.1").WithCertificateValidationHandler(e => TrustsOnly(trustedCa, e.Certificate, e.SslPolicyErrors)))
            .Build();

    /// <summary>What a board does with the CA it was given: the chain must end at that CA, and the name must match.</summary>
    private static bool TrustsOnly(X509Certificate2 ca, X509Certificate certificate, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static X509Certificate2 NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Someone else's CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
