using Doctolib.Telehealth.Media.Stun;

namespace Doctolib.Telehealth.Media.Tests.Stun;

/// <summary>Property tests: whatever bytes arrive on the media port, parsing and validation never throw.</summary>
public sealed class StunFuzzTests
{
    private static readonly byte[] Valid = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
        .AddUsername("abcd:efgh")
        .AddPriority(12345)
        .AddIceControlling(42)
        .AddUseCandidate()
        .Build("abcdefghijklmnopqrstuvwx", fingerprint: true);

    [Fact]
    public void TryParse_EveryTruncation_IsRejectedWithoutException()
    {
        for (int length = 0; length < Valid.Length; length++)
        {
            Assert.False(StunMessage.TryParse(Valid.AsSpan(0, length), out _));
        }

        Assert.True(StunMessage.TryParse(Valid, out _));
    }

    [Fact]
    public void TryParse_RandomBuffers_NeverThrow()
    {
        var random = new Random(5389);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] buffer = new byte[random.Next(0, 200)];
            random.NextBytes(buffer);
            if (buffer.Length >= 20 && random.Next(2) == 0)
            {
                // Give half of them a plausible header so the attribute walk is exercised.
                buffer[0] &= 0x3F;
                buffer[2] = 0;
                buffer[3] = (byte)((buffer.Length - 20) & ~3);
                buffer[4] = 0x21; buffer[5] = 0x12; buffer[6] = 0xA4; buffer[7] = 0x42;
                Array.Resize(ref buffer, 20 + buffer[3]);
            }

            if (StunMessage.TryParse(buffer, out StunMessage? message))
            {
                parsed++;
                message.ValidateMessageIntegrity("abcdefghijklmnopqrstuvwx");
                message.ValidateFingerprint();
            }
        }

        Assert.InRange(parsed, 1, 20_000);
    }

    [Fact]
    public void TryParse_RandomByteMutationsOfValidRequest_NeverThrowAndNeverValidate()
    {
        var random = new Random(8489);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] copy = (byte[])Valid.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int index = random.Next(copy.Length);
                byte replacement = (byte)random.Next(256);
                if (replacement == copy[index])
                {
                    replacement ^= 0xFF;
                }

                copy[index] = replacement;
            }

            if (copy.AsSpan().SequenceEqual(Valid))
            {
                continue; // a later flip undid an earlier one
            }

            if (StunMessage.TryParse(copy, out StunMessage? message))
            {
                bool valid = message.ValidateMessageIntegrity("abcdefghijklmnopqrstuvwx") && message.ValidateFingerprint();
                Assert.False(valid);
            }
        }
    }
}
