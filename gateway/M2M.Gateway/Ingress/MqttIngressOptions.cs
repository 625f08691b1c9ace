namespace M2M.Gateway.Ingress;

/// <summary>Configuration section <c>Gateway:Mqtt</c> (docs/ingress.md lists every key).</summary>
public sealed class MqttIngressOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Mqtt";

    /// <summary>Default of <see cref="ReceiveMaximum"/>.</summary>
    public const int DefaultReceiveMaximum = 32;

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

    /// <summary>Longest accepted user property name or value, in UTF-8 bytes.</summary>
    public int MaxUserPropertyLength { get; set; } = 128;

    /// <summary>
    /// Largest packet accepted before the connection is authenticated, the CONNECT above all, judged
    /// from its fixed header before its body is read (docs/ingress.md, "Limits"). Large enough for a
    /// CONNECT carrying an access token of a trusted external issuer.
    /// </summary>
    public int MaxUnauthenticatedPacketBytes { get; set; } = 8 * 1024;

    /// <summary>Most connections that may be open and not yet authenticated at once; more are closed when accepted.</summary>
    public int MaxUnauthenticatedConnections { get; set; } = 1024;

    /// <summary>
    /// CONNECTs accepted per source address per second (token bucket, refilled continuously); 0 (the
    /// default) turns the limit off, as devices behind one NAT share an address. Over it: CONNACK 0x9F.
    /// </summary>
    public double ConnectsPerSecondPerAddress { get; set; }

    /// <summary>The bucket size of <see cref="ConnectsPerSecondPerAddress"/>: CONNECTs an address may make at once.</summary>
    public int ConnectBurstPerAddress { get; set; } = 20;

    /// <summary>
    /// QoS 1 PUBLISHes a device may have unacknowledged (MQTT 5 section 3.2.2.3.3, announced in
    /// CONNACK), and the number of last accepted messages the gateway remembers per device to recognise
    /// a resend (docs/protocol.md section 8).
    /// </summary>
    public int ReceiveMaximum { get; set; } = DefaultReceiveMaximum;

    /// <summary>
    /// How long the broker waits for a whole packet, the CONNECT above all, and for the TLS
    /// handshake (MQTT 5 section 3.1.4 lets the server close a connection that sends none). A client
    /// that opens a socket and sends half a packet holds a connection only this long.
    /// </summary>
    public TimeSpan CommunicationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest keep-alive a device may use: a CONNECT asking for none (0) or a longer one gets this as
    /// Server Keep Alive (MQTT 5 section 3.2.2.3.14), so a silent dead connection is found.
    /// </summary>
    public TimeSpan MaxKeepAlive { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often every live session is re-checked against the device directory.</summary>
    public TimeSpan RevalidateInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far ahead of the gateway's clock a message's m2m-ts may be (0: no limit).</summary>
    public TimeSpan MaxTimestampAhead { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far behind the gateway's clock a message's m2m-ts may be (0: no limit): the longest a device may keep a message offline.</summary>
    public TimeSpan MaxTimestampAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Room for the fixed header, topic and properties above the payload in the announced Maximum Packet Size.</summary>
    public const int PacketOverhead = 4096;

    /// <summary>The Maximum Packet Size announced in CONNACK (MQTT 5 section 3.2.2.3.6).</summary>
    public int MaxPacketBytes => MaxPayloadBytes + PacketOverhead;

    /// <summary>Throws when a setting is out of range, naming the key, so a misconfigured gateway does not start.</summary>
    public void Validate()
    {
        static void Require(bool condition, string key, string rule)
        {
            if (!condition)
            {
                throw new InvalidOperationException($"{Section}:{key} {rule}.");
            }
        }

        Require(Port is >= 0 and <= 65535, nameof(Port), "must be a port number or 0");
        Require(TlsPort is >= 0 and <= 65535, nameof(TlsPort), "must be a port number or 0");
        Require(MaxPayloadBytes is > 0 and <= 256 * 1024 * 1024, nameof(MaxPayloadBytes), "must be between 1 and 268435456");
        Require(MaxTopicBytes is > 0 and <= ushort.MaxValue, nameof(MaxTopicBytes), "must be between 1 and 65535");
        Require(MaxContentTypeBytes is > 0 and <= ushort.MaxValue, nameof(MaxContentTypeBytes), "must be between 1 and 65535");
        Require(MaxUserProperties >= 5, nameof(MaxUserProperties), "must be at least 5 (the m2m properties)");
        Require(MaxUserPropertyLength >= 43, nameof(MaxUserPropertyLength), "must be at least 43 (an m2m-sig)");
        Require(MaxUnauthenticatedPacketBytes >= 64, nameof(MaxUnauthenticatedPacketBytes), "must be at least 64");
        Require(MaxUnauthenticatedConnections > 0, nameof(MaxUnauthenticatedConnections), "must be positive");
        Require(ConnectsPerSecondPerAddress >= 0, nameof(ConnectsPerSecondPerAddress), "must be 0 (off) or positive");
        Require(ConnectBurstPerAddress > 0, nameof(ConnectBurstPerAddress), "must be positive");
        Require(ReceiveMaximum is > 0 and <= ushort.MaxValue, nameof(ReceiveMaximum), "must be between 1 and 65535");
        Require(CommunicationTimeout > TimeSpan.Zero, nameof(CommunicationTimeout), "must be positive");
        Require(MaxKeepAlive >= TimeSpan.FromSeconds(1) && MaxKeepAlive.TotalSeconds <= ushort.MaxValue, nameof(MaxKeepAlive), "must be between 1 s and 65535 s");
        Require(RevalidateInterval > TimeSpan.Zero, nameof(RevalidateInterval), "must be positive");
        Require(MaxTimestampAhead >= TimeSpan.Zero, nameof(MaxTimestampAhead), "must be 0 (no limit) or positive");
        Require(MaxTimestampAge >= TimeSpan.Zero, nameof(MaxTimestampAge), "must be 0 (no limit) or positive");
    }
}
