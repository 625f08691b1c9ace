namespace M2M.Gateway.Ingress;

/// <summary>Configuration section <c>Gateway:Mqtt</c> (docs/ingress.md lists every key).</summary>
public sealed class MqttIngressOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Mqtt";

    /// <summary>Address both listeners bind to.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Plain TCP port; 0 disables the plain listener.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>TLS port, used when a certificate is available (<see cref="CertificatePath"/> or the gateway's own, docs/tokens.md); 0 disables it.</summary>
    public int TlsPort { get; set; } = 8883;

    /// <summary>PKCS#12 (.pfx) or PEM certificate with its private key for the TLS listener; default the gateway's HTTPS certificate.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the PKCS#12 file, or the PEM private-key file path when PEM.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Largest accepted payload in bytes; a larger PUBLISH is a protocol error (0x95, section 9.3).</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Longest accepted topic, in UTF-8 bytes.</summary>
    public int MaxTopicBytes { get; set; } = 256;

    /// <summary>Longest accepted content type, in UTF-8 bytes.</summary>
    public int MaxContentTypeBytes { get; set; } = 128;

    /// <summary>Most user properties accepted on one PUBLISH.</summary>
    public int MaxUserProperties { get; set; } = 16;

    /// <summary>Longest accepted user property name or value, in characters.</summary>
    public int MaxUserPropertyLength { get; set; } = 128;

    /// <summary>
    /// How long the broker waits for a whole packet, the CONNECT above all (MQTT 5 section 3.1.4
    /// lets the server close a connection that sends none). A client that opens a socket and sends
    /// half a packet holds a connection only this long.
    /// </summary>
    public TimeSpan CommunicationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every live session is re-checked against the device directory.</summary>
    public TimeSpan RevalidateInterval { get; set; } = TimeSpan.FromSeconds(5);
}
