using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Doctolib.Telehealth.Media.Transport;

/// <summary>recvmmsg/sendmmsg (Linux x64) over pinned buffers: one system call moves a batch of datagrams, which
/// TESTING.md measured at well under half the per-packet cost of recvfrom/sendto. Memory layouts are the x86-64
/// glibc ones: iovec 16 bytes, msghdr 56, mmsghdr 64.</summary>
internal sealed class LinuxBatchIo : IDisposable
{
    public const int BatchSize = 64;
    private const int SlotBytes = UdpMediaSocket.MaxDatagram + 64;
    private const int NameBytes = 32;
    private const int IovecBytes = 16;
    private const int MmsghdrBytes = 64;
    private const int MsgWaitForOne = 0x10000;
    private const int ControlBytes = 64;
    private const int SolSocket = 1;
    private const int ScmTimestampNs = 35;

    private readonly byte[] _data = GC.AllocateArray<byte>(BatchSize * SlotBytes, pinned: true);
    private readonly byte[] _names = GC.AllocateArray<byte>(BatchSize * NameBytes, pinned: true);
    private readonly nint _dataPtr;
    private readonly nint _namesPtr;
    private readonly nint _iovecs;
    private readonly nint _headers;
    private readonly nint _controls;
    private int _pending;
    private int _lastReceived = BatchSize;
    private bool _timestampsSet;

    public LinuxBatchIo()
    {
        _dataPtr = Marshal.UnsafeAddrOfPinnedArrayElement(_data, 0);
        _namesPtr = Marshal.UnsafeAddrOfPinnedArrayElement(_names, 0);
        _iovecs = Marshal.AllocHGlobal(BatchSize * IovecBytes);
        _headers = Marshal.AllocHGlobal(BatchSize * MmsghdrBytes);
        _controls = Marshal.AllocHGlobal(BatchSize * ControlBytes);
        for (int i = 0; i < BatchSize; i++)
        {
            nint iov = _iovecs + (i * IovecBytes);
            Marshal.WriteIntPtr(iov, _dataPtr + (i * SlotBytes));
            Marshal.WriteInt64(iov, 8, SlotBytes);
            nint header = _headers + (i * MmsghdrBytes);
            Marshal.WriteIntPtr(header, 0, _namesPtr + (i * NameBytes));
            Marshal.WriteInt32(header, 8, NameBytes);
            Marshal.WriteIntPtr(header, 16, iov);
            Marshal.WriteInt64(header, 24, 1);
            Marshal.WriteIntPtr(header, 32, 0);
            Marshal.WriteInt64(header, 40, 0);
            Marshal.WriteInt32(header, 48, 0);
            Marshal.WriteInt32(header, 56, 0);
        }
    }

    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    public int PendingSends => _pending;

    /// <summary>Blocks until at least one datagram arrives and returns how many were read; -1 on error.</summary>
    public int Receive(nint socket, bool withTimestamps)
    {
        // The kernel rewrites only msg_namelen, msg_controllen and msg_len, and only for the slots it filled last time.
        int reset = _timestampsSet == withTimestamps ? _lastReceived : BatchSize;
        for (int i = 0; i < reset; i++)
        {
            nint header = _headers + (i * MmsghdrBytes);
            Marshal.WriteInt32(header, 8, NameBytes);
            Marshal.WriteIntPtr(header, 32, withTimestamps ? _controls + (i * ControlBytes) : 0);
            Marshal.WriteInt64(header, 40, withTimestamps ? ControlBytes : 0);
        }

        _timestampsSet = withTimestamps;
        int count = recvmmsg(socket, _headers, BatchSize, MsgWaitForOne, 0);
        _lastReceived = Math.Max(0, count);
        return count;
    }

    /// <summary>The i-th received datagram, writable in place.</summary>
    public Span<byte> Datagram(int i) => _data.AsSpan(i * SlotBytes, Marshal.ReadInt32(_headers + (i * MmsghdrBytes), 56));

    /// <summary>The kernel's receive time of the i-th datagram (SO_TIMESTAMPNS, Unix epoch ns), or 0 when absent.</summary>
    public long KernelTimestampNs(int i)
    {
        nint header = _headers + (i * MmsghdrBytes);
        long controlLength = Marshal.ReadInt64(header, 40);
        nint cmsg = _controls + (i * ControlBytes);
        if (controlLength < 32 || Marshal.ReadInt32(cmsg, 8) != SolSocket || Marshal.ReadInt32(cmsg, 12) != ScmTimestampNs)
        {
            return 0;
        }

        return (Marshal.ReadInt64(cmsg, 16) * 1_000_000_000) + Marshal.ReadInt64(cmsg, 24);
    }

    /// <summary>Now, on the clock of <see cref="KernelTimestampNs"/>: kernel stamps are CLOCK_REALTIME, which
    /// TimeProvider.System reads too.</summary>
    public static long RealtimeNowNs() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>Asks the kernel to stamp each received datagram (SO_TIMESTAMPNS).</summary>
    public static void EnableTimestamps(Socket socket)
    {
        Span<byte> on = [1, 0, 0, 0];
        socket.SetRawSocketOption(SolSocket, ScmTimestampNs, on);
    }

    /// <summary>Copies the i-th datagram's source into a reusable <see cref="SocketAddress"/> (native sockaddr layout).</summary>
    public void CopySource(int i, SocketAddress destination)
    {
        int length = Math.Min(Marshal.ReadInt32(_headers + (i * MmsghdrBytes), 8), destination.Size);
        _names.AsSpan(i * NameBytes, length).CopyTo(destination.Buffer.Span);
    }

    /// <summary>Queues a datagram for the next <see cref="Flush"/>; flushes first when the batch is full.</summary>
    public void Enqueue(nint socket, ReadOnlySpan<byte> datagram, SocketAddress destination, MediaCounters counters)
    {
        if (_pending == BatchSize)
        {
            Flush(socket, counters);
        }

        int i = _pending++;
        datagram.CopyTo(_data.AsSpan(i * SlotBytes));
        destination.Buffer.Span.Slice(0, destination.Size).CopyTo(_names.AsSpan(i * NameBytes));
        nint header = _headers + (i * MmsghdrBytes);
        Marshal.WriteInt32(header, 8, destination.Size);
        Marshal.WriteInt64(_iovecs + (i * IovecBytes), 8, datagram.Length);
    }

    public void Flush(nint socket, MediaCounters counters)
    {
        int sent = 0;
        while (sent < _pending)
        {
            int n = sendmmsg(socket, _headers + (sent * MmsghdrBytes), (uint)(_pending - sent), 0);
            if (n <= 0)
            {
                counters.SendError();
                sent++;
                continue;
            }

            sent += n;
        }

        _pending = 0;
    }

    public void Dispose()
    {
        Marshal.FreeHGlobal(_iovecs);
        Marshal.FreeHGlobal(_headers);
        Marshal.FreeHGlobal(_controls);
    }

    // No SetLastError: nothing reads errno (a failed call is counted, not explained), and without it the signatures
    // need no marshalling, so the JIT calls libc inline instead of through an IL stub that saves errno each time.
    [DllImport("libc")]
    private static extern int recvmmsg(nint sockfd, nint msgvec, uint vlen, int flags, nint timeout);

    [DllImport("libc")]
    private static extern int sendmmsg(nint sockfd, nint msgvec, uint vlen, int flags);
}
