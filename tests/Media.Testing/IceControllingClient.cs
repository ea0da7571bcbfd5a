using System.Net;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Stun;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>The controlling side of a connectivity check (RFC 8445 §7.2.4, §7.2.5), for a test peer that talks to
/// the lite server: it builds binding requests (with USE-CANDIDATE to nominate) and checks the responses.</summary>
internal sealed class IceControllingClient
{
    private readonly IceCredentials _local;
    private readonly IceCredentials _remote;

    public IceControllingClient(IceCredentials local, IceCredentials remote, ulong? tieBreaker = null)
    {
        _local = local;
        _remote = remote;
        TieBreaker = tieBreaker ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    public ulong TieBreaker { get; }

    /// <summary>USERNAME of our requests: "remote ufrag:local ufrag".</summary>
    public string Username => $"{_remote.Ufrag}:{_local.Ufrag}";

    public byte[] CreateBindingRequest(uint priority, bool useCandidate, out StunTransactionId transactionId)
    {
        transactionId = StunTransactionId.NewRandom();
        var builder = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, transactionId)
            .AddUsername(Username)
            .AddPriority(priority)
            .AddIceControlling(TieBreaker);
        if (useCandidate)
        {
            builder.AddUseCandidate();
        }

        return builder.Build(_remote.Password, fingerprint: true);
    }

    /// <summary>Checks a response to the request with <paramref name="expected"/>: same transaction, FINGERPRINT and
    /// MESSAGE-INTEGRITY under the remote password. Never throws on bad input.</summary>
    public IceCheckResult CheckResponse(ReadOnlySpan<byte> packet, StunTransactionId expected)
    {
        if (!StunMessage.TryParse(packet, out StunMessage? message)
            || message.Method != (ushort)StunMethod.Binding
            || message.TransactionId != expected)
        {
            return new IceCheckResult(IceCheckStatus.NotMatching);
        }

        if (message.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse))
        {
            return new IceCheckResult(IceCheckStatus.NotMatching);
        }

        if (!message.HasFingerprint || !message.ValidateFingerprint() || !message.ValidateMessageIntegrity(_remote.Password))
        {
            return new IceCheckResult(IceCheckStatus.Invalid);
        }

        return message.Class == StunClass.SuccessResponse
            ? new IceCheckResult(IceCheckStatus.Success, message.XorMappedAddress)
            : new IceCheckResult(IceCheckStatus.ErrorResponse, ErrorCode: message.ErrorCode ?? 0);
    }
}

/// <summary>How a response answered a check.</summary>
internal enum IceCheckStatus
{
    /// <summary>Not a response to this check (other transaction, not STUN): keep waiting.</summary>
    NotMatching,

    /// <summary>A response to this check that fails FINGERPRINT or MESSAGE-INTEGRITY: ignore it.</summary>
    Invalid,
    Success,
    ErrorResponse,
}

/// <summary>The outcome of <see cref="IceControllingClient.CheckResponse"/>.</summary>
internal readonly record struct IceCheckResult(IceCheckStatus Status, IPEndPoint? MappedAddress = null, int ErrorCode = 0);
