; addition (ANC): mem[0] <- mem[0] + mem[1], by counting b down (ANC's loop, not one ADD)
.machine M=15 R=5
.init r0=0 r1=1 r2=@done r3=@loop r4=0
       r0 = READ r0        ; a
       r1 = READ r1        ; b
loop:  JEZ r1, r2
       r0 = INC r0
       r1 = DEC r1
       JEZ r4, r3          ; r4 = 0: always taken (ANC has no JMP)
done:  WRITE r1, r0        ; r1 = 0 addresses mem[0]
       STOP
