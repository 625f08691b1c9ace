using M2M.Gateway.Journal;

namespace M2M.Gateway.Relay;

/// <summary>What a sink's loop is doing.</summary>
public enum SinkState
{
    /// <summary>Opening or recovering the destination.</summary>
    Starting,

    /// <summary>Delivering, or waiting for records.</summary>
    Delivering,

    /// <summary>A record's delivery failed and is being retried (it will be dead-lettered after MaxAttempts).</summary>
    Retrying,

    /// <summary>The sink failed (I/O, the journal, a bug); the relay recovers it with backoff.</summary>
    Failing,

    /// <summary>Another node holds the sink's lease and delivers it (Cluster mode); this one takes over if that one dies.</summary>
    Standby,
}

/// <summary>
/// The live state of one enabled sink, written by its loop and read by /health, /metrics and the
/// admin API (<see cref="RelayStatus"/>). Also the operator's handle to ask for a redelivery.
/// </summary>
public sealed class SinkStatus(string name, TimeProvider time)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _redeliveryRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SinkState _state;
    private string? _lastError;
    private DateTimeOffset _since = time.GetUtcNow();
    private long _busySince;
    private long _deadLetters;
    private long _savedPosition;

    /// <summary>The sink's name.</summary>
    public string Name { get; } = name;

    /// <summary>The journal's live view of the sink (null until its loop has started).</summary>
    public SinkProgress? Progress { get; internal set; }

    /// <summary>The position last saved to the journal.</summary>
    public long SavedPosition
    {
        get => Volatile.Read(ref _savedPosition);
        internal set => Volatile.Write(ref _savedPosition, value);
    }

    /// <summary>The node delivering the sink (Cluster mode; null when embedded): this one, or the lease holder it last saw.</summary>
    public string? Node { get; private set; }

    /// <summary>True while this process holds the sink's lease and delivers it.</summary>
    public bool Held { get; private set; }

    /// <summary>The sink's dead letters now.</summary>
    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    /// <summary>Completes when an operator queues dead letters for redelivery.</summary>
    internal Task RedeliveryRequested
    {
        get
        {
            lock (_lock)
            {
                return _redeliveryRequested.Task;
            }
        }
    }

    /// <summary>The state, its last error and since when.</summary>
    public (SinkState State, string? LastError, DateTimeOffset Since) Current
    {
        get
        {
            lock (_lock)
            {
                return (_state, _lastError, _since);
            }
        }
    }

    /// <summary>How long the current batch (or recovery) has been running; zero when idle.</summary>
    public TimeSpan Busy
    {
        get
        {
            var since = Interlocked.Read(ref _busySince);
            return since == 0 ? TimeSpan.Zero : time.GetElapsedTime(since);
        }
    }

    /// <summary>Wakes the sink's loop to redeliver the dead letters queued for it.</summary>
    public void RequestRedelivery()
    {
        lock (_lock)
        {
            _redeliveryRequested.TrySetResult();
        }
    }

    internal bool TakeRedeliveryRequest()
    {
        lock (_lock)
        {
            if (!_redeliveryRequested.Task.IsCompleted)
            {
                return false;
            }

            _redeliveryRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return true;
        }
    }

    internal void Enter(SinkState state, string? error = null)
    {
        lock (_lock)
        {
            if (state != _state || error != _lastError)
            {
                _since = state == _state ? _since : time.GetUtcNow();
                _state = state;
                _lastError = state is SinkState.Retrying or SinkState.Failing ? error : _lastError;
            }
        }
    }

    /// <summary>This process holds the sink's lease and delivers it.</summary>
    internal void Hold(string? node)
    {
        Node = node;
        Held = true;
    }

    /// <summary>Another node holds the lease: shown as standby at its saved position.</summary>
    internal void Standby(string? holder, long savedPosition)
    {
        Node = holder;
        Held = false;
        SavedPosition = savedPosition;
        Enter(SinkState.Standby);
    }

    /// <summary>The lease was lost: the live position no longer counts here; it resumes from the saved one wherever the lease goes.</summary>
    internal void Release()
    {
        Held = false;
        Progress = null;
        EndWork();
    }

    internal void BeginWork() => Interlocked.Exchange(ref _busySince, time.GetTimestamp());

    internal void EndWork() => Interlocked.Exchange(ref _busySince, 0);

    internal void SetDeadLetters(long count) => Interlocked.Exchange(ref _deadLetters, count);

    internal void AddDeadLetters(long count) => Interlocked.Add(ref _deadLetters, count);
}
