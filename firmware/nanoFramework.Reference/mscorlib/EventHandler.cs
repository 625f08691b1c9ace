// Declarations from github.com/nanoframework/CoreLibrary, nanoFramework.CoreLibrary/System/EventHandler.cs
// Reference only (compatibility gate): real names and signatures, no implementation.

namespace System
{
    // The 1.17 source also declares EventHandler<TEventArgs>: left out, the 1.x runtime does not run generics.
    public delegate void EventHandler(object sender, EventArgs e);
}
