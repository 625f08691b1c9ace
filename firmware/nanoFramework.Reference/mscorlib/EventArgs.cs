// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/EventArgs.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    public class EventArgs
    {
        public static readonly EventArgs Empty = new EventArgs();
        public EventArgs() { }
    }
}
