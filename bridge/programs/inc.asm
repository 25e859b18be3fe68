; inc: mem[0] <- mem[0] + 1
.machine M=8 R=4
.init r0=0
       r1 = READ r0
       r1 = INC r1
       WRITE r0, r1
       STOP
