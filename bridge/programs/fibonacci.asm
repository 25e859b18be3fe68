; fibonacci: mem[0] <- F(mem[0]) mod M, with F(0) = 0, F(1) = 1
; (a, b) <- (b, a + b) n times: b' = a + b, then a' = b' - a.
.machine M=8 R=5
.init r1=0 r2=1 r3=@done r4=@loop
       r0 = READ r1        ; n (r1 = 0 addresses mem[0])
loop:  JEZ r0, r3
       r2 = ADD r1, r2
       r1 = SUB r2, r1
       r0 = DEC r0
       JMP r4
done:  WRITE r0, r1        ; r0 = 0 here
       STOP
