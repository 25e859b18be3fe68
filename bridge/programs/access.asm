; access (ANC): mem[0] <- mem[mem[0] + 1]
.machine M=10 R=2
.init r0=0
       r1 = READ r0        ; k
       r1 = INC r1
       r1 = READ r1        ; list[k]
       WRITE r0, r1
       STOP
