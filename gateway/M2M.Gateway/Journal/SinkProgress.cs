namespace M2M.Gateway.Journal;

/// <summary>
/// The journal's live view of one enabled sink: the position up to which it has delivered (or
/// dead-lettered) every record, durable at the destination. The relay reports it after every
/// flush; retention and <see cref="ISinkPositions.Backlog"/> read it. Not persisted: the relay
/// saves positions on its own schedule (<see cref="ISinkPositions.SetSinkPosition"/>).
/// </summary>
public sealed class SinkProgress
{
    private readonly Action _progressed;
    private long _position;

    internal SinkProgress(Action progressed, string sink, long position)
    {
        _progressed = progressed;
        Sink = sink;
        _position = position;
    }

    /// <summary>The sink's name.</summary>
    public string Sink { get; }

    /// <summary>Every record up to here has been delivered or dead-lettered.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Records a new position (it never moves back).</summary>
    public void Report(long position)
    {
        if (position > Volatile.Read(ref _position))
        {
            Volatile.Write(ref _position, position);
            _progressed();
        }
    }
}
