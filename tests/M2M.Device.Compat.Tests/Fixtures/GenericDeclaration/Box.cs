namespace Fixtures
{
    // Compiles with Roslyn, but the nanoFramework 1.x runtime cannot load a generic type.
    public sealed class Box<T>
    {
        public Box(T value)
        {
            Value = value;
        }

        public T Value { get; private set; }
    }
}
