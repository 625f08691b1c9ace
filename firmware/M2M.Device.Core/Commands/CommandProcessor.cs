using System;
using M2M.Device.Core.Time;

namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// Takes a command PUBLISH from the gateway through its checks, in order (docs/protocol.md section
    /// 11.4): authenticate and decode it (<see cref="CommandCodec"/>), judge its sequence number against
    /// the last accepted one (<see cref="CommandJournal"/>), refuse it once expired, run it
    /// (<see cref="ICommandHandler"/>), record the sequence and the signed result before anything is
    /// answered, and return the result to publish. Never throws: a payload that is not an authentic
    /// command is counted and ignored.
    /// </summary>
    public sealed class CommandProcessor
    {
        private readonly CommandCodec _codec;
        private readonly CommandJournal _journal;
        private readonly ICommandHandler _handler;
        private readonly DeviceClock _clock;

        public CommandProcessor(CommandCodec codec, CommandJournal journal, ICommandHandler handler, DeviceClock clock)
        {
            _codec = codec ?? throw new ArgumentNullException(nameof(codec));
            _journal = journal ?? throw new ArgumentNullException(nameof(journal));
            _handler = handler ?? throw new ArgumentNullException(nameof(handler));
            _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        }

        /// <summary>Payloads ignored: not authentic, not well formed, or not recordable (storage failure).</summary>
        public long Ignored { get; private set; }

        /// <summary>Commands run (sequence above the last accepted one).</summary>
        public long Executed { get; private set; }

        /// <summary>
        /// The result payload to publish on the results topic, or null when the payload is to be ignored.
        /// </summary>
        public byte[]? Handle(byte[]? payload)
        {
            try
            {
                return HandleChecked(payload);
            }
            catch (Exception)
            {
                // The journal could not be written (IOException): nothing was recorded, so nothing is
                // answered; the gateway sends the command again in the device's next session.
                Ignored++;
                return null;
            }
        }

        private byte[]? HandleChecked(byte[]? payload)
        {
            var command = _codec.Decode(payload);
            if (command == null)
            {
                Ignored++;
                return null;
            }

            var last = _journal.LastSequence;
            if (command.Sequence == last && _journal.LastResult != null)
            {
                // Delivered again because the result did not reach the gateway: the same answer, not a second run.
                return _journal.LastResult;
            }

            if (command.Sequence <= last)
            {
                return _codec.EncodeResult(command.Sequence, new CommandResult(CommandResult.Replayed, string.Empty));
            }

            CommandResult result;
            if (_clock.IsSynchronized && _clock.UnixTimeSeconds > command.ExpiresAt)
            {
                result = new CommandResult(CommandResult.Expired, string.Empty);
            }
            else if (command.Arguments == null)
            {
                result = new CommandResult(CommandResult.InvalidArguments, "reason=argument_format");
            }
            else
            {
                result = _handler.Execute(command);
                Executed++;
            }

            var answer = _codec.EncodeResult(command.Sequence, result);
            _journal.Record(command.Sequence, answer);
            return answer;
        }
    }
}
