namespace M2M.Gateway.Ingress.Packets;

/// <summary>A User Property (MQTT 5 section 3.3.2.3.7, a UTF-8 String Pair, 1.5.7) as the bytes it was sent as: validated UTF-8, no U+0000.</summary>
public readonly ref struct UserProperty(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
{
    public ReadOnlySpan<byte> Name { get; } = name;

    public ReadOnlySpan<byte> Value { get; } = value;
}

/// <summary>The User Properties of a validated properties block, in the order they were sent (their order is significant, 3.3.2.3.7 MQTT-3.3.2-18).</summary>
public ref struct UserPropertyEnumerator
{
    private PropertyReader _reader;

    internal UserPropertyEnumerator(ReadOnlySpan<byte> block, int origin)
    {
        _reader = PropertyReader.Unvalidated(block, origin);
    }

    public UserProperty Current { get; private set; }

    /// <summary>The offset in the packet body of the current property's name (its length prefix).</summary>
    internal int CurrentOffset { get; private set; }

    public readonly UserPropertyEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_reader.TryRead(out var property, out _) && property.Id != PropertyId.None)
        {
            if (property.Id == PropertyId.UserProperty)
            {
                Current = new UserProperty(property.Data, property.Value);
                CurrentOffset = property.DataOffset - 2;
                return true;
            }
        }

        return false;
    }
}
