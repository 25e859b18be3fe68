; parity: mem[0] <- XOR of the bits in mem[1..M-1]
; acc ^ bit == min(bit - acc, 1) for bits in {0, 1}; the pointer wraps to 0 after cell M-1.
.machine M=8 R=6
.init r0=1 r2=0 r3=1 r4=@done r5=@loop
loop:  r1 = READ r0
       r1 = SUB r1, r2
       r2 = MIN r1, r3     ; acc ^= bit
       r0 = INC r0
       JEZ r0, r4          ; wrapped past the last cell
       JMP r5
done:  WRITE r0, r2        ; r0 = 0 here
       STOP
